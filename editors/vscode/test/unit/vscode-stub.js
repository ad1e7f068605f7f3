// A minimal stand-in for the `vscode` module: just the API surface the extension touches, with
// every call recorded in `calls` so tests can assert on it. `reset(settings)` starts a fresh
// "window" with the given `spell.*` settings (keys without the `spell.` prefix).
'use strict';

class Disposable {
  constructor(fn) {
    this._fn = fn;
  }
  dispose() {
    if (this._fn) this._fn();
  }
}

class Uri {
  constructor(scheme, fsPath) {
    this.scheme = scheme;
    this.fsPath = fsPath;
    this.path = fsPath;
  }
  static file(p) {
    return new Uri('file', p);
  }
  toString() {
    return `${this.scheme}://${this.fsPath}`;
  }
}

const state = {
  settings: {},
  calls: { commands: new Map(), terminals: [], errors: [], configListeners: [], watchers: [] },
  activeDocument: undefined,
  textDocuments: [],
  workspaceFolders: [],
};

function reset(settings = {}) {
  state.settings = { ...settings };
  state.calls = { commands: new Map(), terminals: [], errors: [], configListeners: [], watchers: [] };
  state.activeDocument = undefined;
  state.textDocuments = [];
  state.workspaceFolders = [];
}

function configuration(section) {
  return {
    get(key, defaultValue) {
      const full = section ? `${section}.${key}` : key;
      const k = full.startsWith('spell.') ? full.slice('spell.'.length) : full;
      return Object.prototype.hasOwnProperty.call(state.settings, k) ? state.settings[k] : defaultValue;
    },
    has(key) {
      return Object.prototype.hasOwnProperty.call(state.settings, key);
    },
    inspect() {
      return undefined;
    },
    update() {
      return Promise.resolve();
    },
  };
}

/** Changes settings and fires onDidChangeConfiguration like VS Code does. */
function changeSettings(changes) {
  Object.assign(state.settings, changes);
  const changed = Object.keys(changes).map((k) => `spell.${k}`);
  const event = {
    affectsConfiguration: (s) => changed.some((c) => c === s || c.startsWith(`${s}.`) || s === 'spell'),
  };
  for (const l of state.calls.configListeners) l(event);
}

module.exports = {
  Disposable,
  Uri,
  commands: {
    registerCommand(id, fn) {
      if (state.calls.commands.has(id)) throw new Error(`command ${id} registered twice`);
      state.calls.commands.set(id, fn);
      return new Disposable(() => state.calls.commands.delete(id));
    },
    executeCommand(id, ...args) {
      const fn = state.calls.commands.get(id);
      if (!fn) return Promise.reject(new Error(`command ${id} not found`));
      return Promise.resolve(fn(...args));
    },
  },
  workspace: {
    getConfiguration: (section) => configuration(section),
    onDidChangeConfiguration(listener) {
      state.calls.configListeners.push(listener);
      return new Disposable(() => {
        state.calls.configListeners = state.calls.configListeners.filter((l) => l !== listener);
      });
    },
    createFileSystemWatcher(glob) {
      const w = { glob, dispose() {} };
      state.calls.watchers.push(w);
      return w;
    },
    get textDocuments() {
      return state.textDocuments;
    },
    getWorkspaceFolder(uri) {
      return state.workspaceFolders.find((f) => uri.fsPath.startsWith(f.uri.fsPath + '/'));
    },
  },
  window: {
    get activeTextEditor() {
      return state.activeDocument ? { document: state.activeDocument } : undefined;
    },
    createTerminal(options) {
      const t = { options, shown: false, show() { this.shown = true; }, dispose() {} };
      state.calls.terminals.push(t);
      return t;
    },
    showErrorMessage(message) {
      state.calls.errors.push(message);
      return Promise.resolve(undefined);
    },
  },
  // test helpers (not part of the real API)
  __state: state,
  __reset: reset,
  __changeSettings: changeSettings,
};
