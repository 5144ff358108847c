/**
 * Makes the decorator metadata SWC emits as safe in import cycles as the metadata `tsc` emits.
 *
 * For `project: Project` SWC writes `typeof _project.Project === "undefined" ? Object : _project.Project`.
 * In CommonJS, SWC exports a class through a getter over a `let` binding, so while two entity
 * files import each other the getter runs before `let Project = class …` and throws "Cannot access
 * 'Project' before initialization"; `typeof` cannot catch that. `tsc` exports plain properties
 * (`exports.Project = void 0` first) and guards with `typeof (_a = …) === "function" ? _a : Object`,
 * so the same read yields `Object`. TypeORM never needs that type for a relation (the relation's
 * `() => Project` gives it), only for plain columns, whose types (String, Number, Date) are globals.
 *
 * The rewrite turns each such read into a call that returns the type when it is a class and
 * `Object` otherwise, the answer `tsc` gives, including while the other file is still loading.
 * It only touches the metadata expressions and keeps every line where it was, so source maps
 * still point at the user's lines; the helper goes after the last line of code.
 */

export const DESIGN_TYPE_HELPER = '_dazzle_design_type';

// `typeof A === "undefined" ? Object : A`, or for a namespace import
// `typeof ns === "undefined" || typeof ns.A === "undefined" ? Object : ns.A`.
const SWC_DESIGN_TYPE =
  /(?:typeof [\w$][\w$.]* === "undefined" \|\| )*typeof ([\w$][\w$.]*) === "undefined" \? Object : \1(?![\w$.])/g;

const HELPER_SOURCE =
  `function ${DESIGN_TYPE_HELPER}(read) { try { const type = read(); ` +
  `return typeof type === "function" ? type : Object; } catch { return Object; } }`;

const SOURCE_MAP_COMMENT = '\n//# sourceMappingURL=';

/**
 * Rewrites SWC's `design:type`/`design:paramtypes`/`design:returntype` reads of other classes so a
 * class that is not initialised yet (an import cycle) reads as `Object`, as under `tsc`.
 *
 * @example
 * guardDesignTypes(swcOutput) // `_dazzle_design_type(() => _project.Project)` in place of the `typeof` test
 */
export function guardDesignTypes(code: string): string {
  let guarded = false;
  const rewritten = code.replace(SWC_DESIGN_TYPE, (_match, type: string) => {
    guarded = true;
    return `${DESIGN_TYPE_HELPER}(() => ${type})`;
  });
  if (!guarded) return code;
  const mapAt = rewritten.lastIndexOf(SOURCE_MAP_COMMENT);
  if (mapAt === -1) return `${rewritten}\n${HELPER_SOURCE}\n`;
  return `${rewritten.slice(0, mapAt)}\n${HELPER_SOURCE}${rewritten.slice(mapAt)}`;
}
