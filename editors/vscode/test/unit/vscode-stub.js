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
  calls: { commands: new Map(), terminals: [], errors: [], configListeners: [], watchers: [], onType: [] },
  activeDocument: undefined,
  activeEditor: undefined,
  clipboard: undefined,
  textDocuments: [],
  workspaceFolders: [],
};

function reset(settings = {}) {
  state.settings = { ...settings };
  state.calls = { commands: new Map(), terminals: [], errors: [], configListeners: [], watchers: [], onType: [] };
  state.activeDocument = undefined;
  state.activeEditor = undefined;
  state.clipboard = undefined;
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

class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
}

class Range {
  constructor(start, end) {
    this.start = start;
    this.end = end;
  }
}

class Selection extends Range {
  constructor(anchor, active) {
    super(anchor, active);
    this.anchor = anchor;
    this.active = active;
  }
}

const TextEdit = {
  replace: (range, newText) => ({ range, newText }),
};

/** A text document over a string (offsets ↔ positions like VS Code's). */
function textDocument(text, uri = Uri.file('/tmp/test.spl'), languageId = 'spell') {
  const doc = {
    uri,
    languageId,
    text,
    getText() {
      return this.text;
    },
    offsetAt(pos) {
      const lines = this.text.split('\n');
      let off = 0;
      for (let i = 0; i < pos.line && i < lines.length; i++) off += lines[i].length + 1;
      return Math.min(off + pos.character, this.text.length);
    },
    positionAt(offset) {
      const before = this.text.slice(0, Math.max(0, Math.min(offset, this.text.length)));
      const line = before.split('\n').length - 1;
      return new Position(line, before.length - (before.lastIndexOf('\n') + 1));
    },
  };
  return doc;
}

/** A text editor over textDocument(text) with the cursor at offset; edit() applies to the text. */
function textEditor(text, offset = 0) {
  const document = textDocument(text);
  const editor = {
    document,
    selection: new Selection(document.positionAt(offset), document.positionAt(offset)),
    async edit(fn) {
      const ops = [];
      fn({
        insert: (pos, t) => ops.push([document.offsetAt(pos), document.offsetAt(pos), t]),
        delete: (r) => ops.push([document.offsetAt(r.start), document.offsetAt(r.end), '']),
        replace: (r, t) => ops.push([document.offsetAt(r.start), document.offsetAt(r.end), t]),
      });
      ops
        .map((o, i) => [...o, i])
        .sort((a, b) => b[0] - a[0] || b[1] - a[1] || b[3] - a[3])
        .forEach(([s, e, t]) => {
          document.text = document.text.slice(0, s) + t + document.text.slice(e);
        });
      return true;
    },
    revealRange() {},
  };
  state.activeEditor = editor;
  return editor;
}

module.exports = {
  Disposable,
  Uri,
  Position,
  Range,
  Selection,
  TextEdit,
  TextEditorSelectionChangeKind: { Keyboard: 1, Mouse: 2, Command: 3 },
  env: {
    clipboard: {
      writeText(t) {
        state.clipboard = t;
        return Promise.resolve();
      },
    },
  },
  languages: {
    registerOnTypeFormattingEditProvider(selector, provider, ...chars) {
      state.calls.onType.push({ selector, provider, chars });
      return new Disposable();
    },
  },
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
      if (state.activeEditor) return state.activeEditor;
      return state.activeDocument ? { document: state.activeDocument } : undefined;
    },
    onDidChangeTextEditorSelection() {
      return new Disposable();
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
  __textDocument: textDocument,
  __textEditor: textEditor,
};

// The API used by eval.ts, run.ts, status.ts and formatonsave.ts (see vscode-stub-run.js).
require('./vscode-stub-run.js').extend(module.exports, state);
