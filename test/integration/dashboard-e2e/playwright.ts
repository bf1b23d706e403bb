/**
 * The part of playwright-core the dashboard's tests and benchmark use, typed here: playwright-core
 * is loaded by name at run time (as test/integration/loadtest/html-report.test.ts does).
 */

export interface Request {
  url(): string;
}

export interface CdpSession {
  send(method: string, params?: Record<string, unknown>): Promise<unknown>;
  on(event: string, listener: (params: Record<string, unknown>) => void): void;
}

export interface Page {
  goto(url: string, options?: { waitUntil?: 'load' }): Promise<unknown>;
  evaluate<R>(expression: string): Promise<R>;
  fill(selector: string, value: string): Promise<void>;
  click(selector: string): Promise<void>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  on(event: 'request', listener: (req: Request) => void): void;
  locator(selector: string): { count(): Promise<number> };
  mouse: {
    click(x: number, y: number, options?: { clickCount?: number }): Promise<void>;
    dblclick(x: number, y: number): Promise<void>;
  };
  context(): { newCDPSession(page: Page): Promise<CdpSession> };
  close(): Promise<void>;
}

export interface Browser {
  newPage(options?: { viewport?: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
}

export interface PlaywrightCore {
  readonly chromium: { launch(options: { executablePath: string; args: string[]; headless?: boolean }): Promise<Browser> };
}
