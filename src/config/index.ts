export * from './schema.js';
export { loadConfig, expandHome, CONFIG_FILE_NAME, ENV_VARS, type ConfigFlags, type ConfigSource, type LoadedConfig } from './load.js';
export { openPrefs, type Prefs } from './prefs.js';
