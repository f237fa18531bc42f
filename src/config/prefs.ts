import type Conf from 'conf';

/** Small user preferences changed by commands (not by hand): kept apart from flock.config.yaml. */
export interface Prefs {
  /** Keystore name used when no --account/--keystore/config account is given (`flock wallet use`). */
  defaultAccount?: string;
}

/**
 * Opens `<home>/preferences.json`. conf's `cwd` pins the file under the flock home, so FLOCK_HOME
 * isolates tests and several homes never share preferences.
 */
export async function openPrefs(home: string): Promise<Conf<Prefs>> {
  const { default: ConfClass } = await import('conf');
  return new ConfClass<Prefs>({ cwd: home, configName: 'preferences', projectName: 'flock', projectSuffix: '' });
}
