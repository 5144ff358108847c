/**
 * The peer versions the packages promise (`typeorm` ^1.0.0, `pg` ^8.16.0 in their package.json):
 * the shared template app installs the highest, and one suite installs the lowest beside the
 * tarballs, so both ends of each range run the user's path.
 */
export const HIGHEST_SUPPORTED = { typeorm: '1.1.1', pg: '8.23.1' } as const;
export const LOWEST_SUPPORTED = { typeorm: '1.0.0', pg: '8.16.0' } as const;
