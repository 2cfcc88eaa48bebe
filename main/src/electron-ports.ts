// The few Electron surfaces the modules use, as small interfaces: modules take these from the context,
// so only the edge files import electron, and tests hand in fakes. The real objects satisfy them (checked in edge/).

export interface PreventableEvent {
  preventDefault(): void;
}

export interface AppPort {
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<unknown>;
  on(event: 'second-instance' | 'window-all-closed' | 'activate', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsPort) => void): unknown;
  quit(): void;
  getVersion(): string;
}

export interface WindowOpenDetails {
  url: string;
}

export interface WebContentsPort {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: WindowOpenDetails) => { action: 'deny' }): void;
}

/** The frame an IPC message came from. */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

export interface IpcMainPort {
  handle(channel: string, listener: (event: { senderFrame: SenderFrame | null }, ...args: unknown[]) => unknown): void;
}

export interface PermissionRequest {
  requestingUrl?: string;
}

export interface SessionPort {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void, details: PermissionRequest) => void): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string, requestingOrigin: string) => boolean): void;
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { url: string; resourceType: string; responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
      ) => void,
    ): void;
  };
}

export interface SafeStoragePort {
  isEncryptionAvailable(): boolean;
  /** Linux only: which keyring seals; "basic_text" means a constant key, i.e. no protection. */
  getSelectedStorageBackend(): string;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export interface WindowPort {
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  hide(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
  on(event: 'close', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
}

/** A tray menu item: the subset of Electron's MenuItemConstructorOptions the tray uses. */
export interface MenuItemTemplate {
  label?: string;
  type?: 'normal' | 'separator' | 'checkbox';
  enabled?: boolean;
  checked?: boolean;
  click?: () => void;
}

export interface TrayPort {
  setImage(file: string): void;
  setToolTip(text: string): void;
  setMenu(template: MenuItemTemplate[]): void;
}

export interface DialogPort {
  showError(title: string, message: string, detail: string): void;
  showWarning(title: string, message: string): void;
}
