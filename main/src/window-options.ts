// The main window's options: every webPreferences item of Electron's security checklist, set explicitly
// so that a changed default can never loosen it.

export interface MainWindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  icon: string;
  autoHideMenuBar: boolean;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    experimentalFeatures: false;
    webviewTag: false;
    navigateOnDragDrop: false;
    safeDialogs: true;
    spellcheck: false;
  };
}

export function mainWindowOptions(paths: { preload: string; icon: string }): MainWindowOptions {
  return {
    width: 1200,
    height: 820,
    minWidth: 720,
    minHeight: 520,
    // Shown once the first page has loaded, not as an empty frame.
    show: false,
    title: 'Gatehouse',
    icon: paths.icon,
    autoHideMenuBar: true,
    webPreferences: {
      preload: paths.preload,
      // Electron security checklist #3: enable context isolation.
      contextIsolation: true,
      // Electron security checklist #4: enable process sandboxing.
      sandbox: true,
      // Electron security checklist #2: do not enable Node.js integration for remote content.
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      // Electron security checklist #6: do not disable webSecurity.
      webSecurity: true,
      // Electron security checklist #8: do not enable allowRunningInsecureContent.
      allowRunningInsecureContent: false,
      // Electron security checklist #9: do not enable experimental features (and #10: no enableBlinkFeatures).
      experimentalFeatures: false,
      // Electron security checklist #12: no <webview> tag.
      webviewTag: false,
      // A file dropped on the window must not replace the app with a local page.
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}
