/**
 * What `tandem <command>` does when there is no data folder where it looks (TANDEM_DATA,
 * `./.tandem` by default) and no server runs from one: a user who typed it in the wrong
 * folder must not get an empty database made silently, and "no project mnist-demo" from it.
 * Commands that set a server up may make the folder, and say where; every other one stops
 * and says how to point at the data (or the server) the user meant. Pure: the caller looks
 * at the disk.
 */

/** Commands that set something up, and may start a new data folder for it. */
const SETS_UP: readonly string[][] = [
  ['start'], ['migrate'], ['user', 'add'], ['project', 'create'], ['import'], ['model', 'add'], ['worker', 'token', 'create'],
];

export type DataFolderCheck =
  | { kind: 'ready' }
  /** Go on; `notice` (for stderr) says which folder is being made and how to use another. */
  | { kind: 'create'; notice: string }
  /** Stop with this message (exit code 1; the CLI prefixes `tandem: `). */
  | { kind: 'missing'; message: string };

const words = (argv: readonly string[]) => argv.filter((a) => !a.startsWith('-'));

export function setsUp(argv: readonly string[]): boolean {
  const w = words(argv);
  return SETS_UP.some((cmd) => cmd.every((c, i) => w[i] === c));
}

const POINT_AT = 'run it in the folder where you ran `npx tandem start`, or set TANDEM_DATA to that server\'s data folder '
  + '(e.g. `TANDEM_DATA=/srv/tandem/.tandem npx tandem …`); for a server on Postgres set DATABASE_URL instead';

export function checkDataFolder(argv: readonly string[], where: { dataDir: string; exists: boolean }): DataFolderCheck {
  if (where.exists) return { kind: 'ready' };
  if (setsUp(argv)) {
    return {
      kind: 'create',
      notice: `tandem: no data folder at ${where.dataDir} — creating a new, empty one there. `
        + `To use an existing Tandem instead, stop this (Ctrl-C) and ${POINT_AT}.`,
    };
  }
  const command = words(argv).slice(0, 2).join(' ');
  return {
    kind: 'missing',
    message: `there is no Tandem data folder at ${where.dataDir} and no server running from it, so \`${command}\` has nothing to work on. `
      + `To reach your Tandem, ${POINT_AT}. To start a new one here, run \`npx tandem start\`.`,
  };
}
