import { LuaScript } from './lua-script.js';

/** The Redis store's scripts, one per file in `lua/`, each with a header of its KEYS and ARGV. */
export const DLQ_SCRIPTS = {
  insert: new LuaScript('insert'),
  remove: new LuaScript('remove'),
  removeMany: new LuaScript('remove-many'),
  beginReplay: new LuaScript('begin-replay'),
  finishFailure: new LuaScript('finish-failure'),
  replace: new LuaScript('replace'),
  lease: new LuaScript('lease'),
  renew: new LuaScript('renew'),
  release: new LuaScript('release'),
  saveJob: new LuaScript('save-job'),
  cancelJob: new LuaScript('cancel-job'),
} as const;
