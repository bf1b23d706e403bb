/**
 * Login with an API token: GET /api/v1/me says whether it is valid and which role it has. The token
 * is kept in sessionStorage (this tab only) so a reload stays logged in; "Log out" forgets it.
 */
import { Api } from '../api.js';
import { h } from '../dom.js';
import type { Me } from '../types.js';

export const TOKEN_KEY = 'v2x.token';

export async function resumeSession(): Promise<{ api: Api; me: Me } | undefined> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return undefined;
  try {
    const api = new Api(token);
    return { api, me: await api.me() };
  } catch {
    sessionStorage.removeItem(TOKEN_KEY);
    return undefined;
  }
}

export function showLogin(root: HTMLElement, message = ''): Promise<{ api: Api; me: Me }> {
  return new Promise((resolve) => {
    const input = h('input', { testid: 'login-token', type: 'password', placeholder: 'API token (e.g. demo-operator-token)' });
    const button = h('button', { testid: 'login-submit', type: 'submit', text: 'Log in' });
    const error = h('p', { class: 'error', testid: 'login-error', text: message });
    const form = h(
      'form',
      { class: 'login', testid: 'login' },
      h('h1', { text: 'v2x fleet' }),
      h('p', { class: 'hint', text: 'Enter an API token: viewers watch, operators also send commands, admins also manage fences.' }),
      input,
      button,
      error,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const token = input.value.trim();
      if (token === '') {
        error.textContent = 'the token is empty';
        return;
      }
      button.disabled = true;
      const api = new Api(token);
      api
        .me()
        .then((me) => {
          sessionStorage.setItem(TOKEN_KEY, token);
          form.remove();
          resolve({ api, me });
        })
        .catch((err: unknown) => {
          error.textContent = `login refused: ${err instanceof Error ? err.message : String(err)}`;
          button.disabled = false;
        });
    });
    root.append(form);
    input.focus();
  });
}

export function logout(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  location.reload();
}
