/** Entry point of the dashboard bundle: resume the tab's session or ask for a token, then start the app. */
import { startApp } from './app.js';
import { h } from './dom.js';
import { resumeSession, showLogin } from './panels/login.js';

async function main(): Promise<void> {
  const root = document.getElementById('app') ?? document.body;
  const session = (await resumeSession()) ?? (await showLogin(root));
  try {
    await startApp(root, session.api, session.me);
  } catch (err) {
    root.append(
      h('p', {
        class: 'error',
        testid: 'app-error',
        text: `dashboard failed to start: ${err instanceof Error ? err.message : String(err)}`,
      }),
    );
  }
}

void main();
