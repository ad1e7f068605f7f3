// More of the `vscode` API for the evaluation, run, status and settings tests (eval.ts, run.ts,
// status.ts, formatonsave.ts). `extend(stub, state)` adds only the members the base stub lacks,
// and records what the extension does in `state.more`, which `__reset` clears.
'use strict';

class Disposable {
  constructor(fn) {
    this._fn = fn;
  }
  dispose() {
    if (this._fn) this._fn();
    this._fn = undefined;
  }
}

class EventEmitter {
  constructor() {
    this.listeners = [];
    this.event = (listener) => {
      this.listeners.push(listener);
      return new Disposable(() => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      });
    };
  }
  fire(e) {
    for (const l of [...this.listeners]) l(e);
  }
  dispose() {
    this.listeners = [];
  }
}

class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
}

class Range {
  constructor(a, b, c, d) {
    if (typeof a === 'number') {
      this.start = new Position(a, b);
      this.end = new Position(c, d);
    } else {
      this.start = a;
      this.end = b;
    }
  }
}

class Diagnostic {
  constructor(range, message, severity) {
    this.range = range;
    this.message = message;
    this.severity = severity;
  }
}

class ThemeColor {
  constructor(id) {
    this.id = id;
  }
}

class MarkdownString {
  constructor(value = '') {
    this.value = value;
  }
  appendMarkdown(s) {
    this.value += s;
    return this;
  }
  appendCodeblock(code, lang = '') {
    this.value += '\n```' + lang + '\n' + code + '\n```\n';
    return this;
  }
}

class CustomExecution {
  constructor(callback) {
    this.callback = callback;
  }
}

class Task {
  constructor(definition, scope, name, source, execution) {
    Object.assign(this, { definition, scope, name, source, execution });
  }
}

function fresh() {
  return {
    outputs: [],
    statusItems: [],
    decorationTypes: [],
    infos: [],
    warnings: [],
    errorButtons: [],
    quickPick: undefined, // (items) => item
    inputBox: undefined, // string answer
    errorAnswer: undefined, // the button showErrorMessage resolves with
    tasks: [],
    taskProviders: [],
    linkProviders: [],
    webviews: [],
    diagnostics: [],
    builtinCommands: [],
    contexts: {},
    statusMessages: [],
    visibleEditors: [],
    changeListeners: [],
    willSaveListeners: [],
    visibleListeners: [],
    formatEdits: undefined, // (uri) => TextEdit[] for vscode.executeFormatDocumentProvider
  };
}

function extend(stub, state) {
  const more = fresh();
  state.more = more;
  const baseReset = stub.__reset;
  stub.__reset = (settings) => {
    baseReset(settings);
    state.more = fresh();
  };
  const m = () => state.more;

  const add = (obj, key, value) => {
    if (!(key in obj)) obj[key] = value;
  };
  for (const [k, v] of Object.entries({
    EventEmitter,
    Position,
    Range,
    Diagnostic,
    ThemeColor,
    MarkdownString,
    CustomExecution,
    Task,
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ViewColumn: { Active: -1, Beside: -2, One: 1 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    TaskRevealKind: { Always: 1, Silent: 2, Never: 3 },
    TaskPanelKind: { Shared: 1, Dedicated: 2, New: 3 },
    TaskScope: { Global: 1, Workspace: 2 },
    TextDocumentSaveReason: { Manual: 1, AfterDelay: 2, FocusOut: 3 },
    languages: {},
    tasks: {},
  })) {
    add(stub, k, v);
  }
  add(stub.Uri, 'parse', (s) => {
    const f = /^file:\/\/(.*)$/.exec(s);
    if (f) return stub.Uri.file(decodeURIComponent(f[1]));
    const i = s.indexOf(':');
    return new stub.Uri(s.slice(0, i), s.slice(i + 1));
  });

  const w = stub.window;
  add(w, 'createOutputChannel', (name) => {
    const ch = {
      name,
      lines: [],
      shown: 0,
      append(s) {
        this.lines.push(s);
      },
      appendLine(s) {
        this.lines.push(s);
      },
      show() {
        this.shown++;
      },
      clear() {
        this.lines = [];
      },
      dispose() {},
      get text() {
        return this.lines.join('\n');
      },
    };
    m().outputs.push(ch);
    return ch;
  });
  add(w, 'createStatusBarItem', (id, alignment, priority) => {
    const item = { id, alignment, priority, text: '', tooltip: '', visible: false, disposed: false };
    item.show = () => (item.visible = true);
    item.hide = () => (item.visible = false);
    item.dispose = () => (item.disposed = true);
    m().statusItems.push(item);
    return item;
  });
  add(w, 'createTextEditorDecorationType', (options) => {
    const t = { options, key: `deco${m().decorationTypes.length}`, dispose() {} };
    m().decorationTypes.push(t);
    return t;
  });
  add(w, 'showInformationMessage', (msg) => {
    m().infos.push(msg);
    return Promise.resolve(undefined);
  });
  add(w, 'showWarningMessage', (msg) => {
    m().warnings.push(msg);
    return Promise.resolve(undefined);
  });
  // Error messages with buttons: recorded by the base stub; the answer comes from errorAnswer.
  const baseError = w.showErrorMessage;
  w.showErrorMessage = (msg, ...buttons) => {
    baseError(msg);
    m().errorButtons.push(buttons);
    return Promise.resolve(m().errorAnswer);
  };
  add(w, 'showQuickPick', (items) => Promise.resolve(m().quickPick ? m().quickPick(items) : undefined));
  add(w, 'showInputBox', () => Promise.resolve(m().inputBox));
  add(w, 'setStatusBarMessage', (text) => {
    m().statusMessages.push(text);
    return new Disposable();
  });
  add(w, 'withProgress', (options, task) => {
    const cancel = new EventEmitter();
    m().progress = { options, cancel: () => cancel.fire() };
    return Promise.resolve(task({ report() {} }, { isCancellationRequested: false, onCancellationRequested: cancel.event }));
  });
  if (!Object.getOwnPropertyDescriptor(w, 'visibleTextEditors')) {
    Object.defineProperty(w, 'visibleTextEditors', { get: () => m().visibleEditors, configurable: true });
  }
  add(w, 'onDidChangeVisibleTextEditors', (l) => {
    m().visibleListeners.push(l);
    return new Disposable();
  });
  add(w, 'createWebviewPanel', (viewType, title, column, options) => {
    const p = { viewType, title, column, options, webview: { html: '' }, dispose() {} };
    m().webviews.push(p);
    return p;
  });
  add(w, 'registerTerminalLinkProvider', (p) => {
    m().linkProviders.push(p);
    return new Disposable();
  });

  const ws = stub.workspace;
  add(ws, 'onDidChangeTextDocument', (l) => {
    m().changeListeners.push(l);
    return new Disposable();
  });
  add(ws, 'onWillSaveTextDocument', (l) => {
    m().willSaveListeners.push(l);
    return new Disposable();
  });
  if (!Object.getOwnPropertyDescriptor(ws, 'workspaceFolders')) {
    Object.defineProperty(ws, 'workspaceFolders', { get: () => state.workspaceFolders, configurable: true });
  }

  add(stub.languages, 'createDiagnosticCollection', (name) => {
    const c = {
      name,
      map: new Map(),
      set(uri, list) {
        this.map.set(uri.fsPath, list);
      },
      get(uri) {
        return this.map.get(uri.fsPath);
      },
      delete(uri) {
        this.map.delete(uri.fsPath);
      },
      clear() {
        this.map.clear();
      },
      dispose() {},
    };
    m().diagnostics.push(c);
    return c;
  });
  add(stub.tasks, 'executeTask', (task) => {
    m().tasks.push(task);
    return Promise.resolve({ task, terminate() {} });
  });
  add(stub.tasks, 'registerTaskProvider', (type, provider) => {
    m().taskProviders.push({ type, provider });
    return new Disposable();
  });

  // Built-in commands the extension calls (setContext, openSettings, the format provider)
  // resolve instead of failing as unknown.
  const baseExecute = stub.commands.executeCommand;
  stub.commands.executeCommand = (id, ...args) => {
    if (state.calls.commands.has(id)) {
      return baseExecute(id, ...args); // a test registered its own stand-in
    }
    if (id === 'setContext') {
      m().contexts[args[0]] = args[1];
      return Promise.resolve();
    }
    if (id === 'vscode.executeFormatDocumentProvider') {
      m().builtinCommands.push([id, ...args]);
      const f = m().formatEdits;
      return f ? Promise.resolve().then(() => f(args[0])) : Promise.resolve(undefined);
    }
    if (id.startsWith('workbench.') || id.startsWith('vscode.')) {
      m().builtinCommands.push([id, ...args]);
      return Promise.resolve();
    }
    return baseExecute(id, ...args);
  };
}

module.exports = { extend };
