/**
 * Whose session a client may take (issue 19: a car with its own credentials connected with another
 * car's client id, took that car's persistent session and received its queued command).
 *  - A car's client id is its VIN, the username it logged in with; nothing else.
 *  - A service account's client id is its username or starts with `<username>-` (the bridge
 *    `v2x-bridge-1`, the command downlink `v2x-command-downlink-1`, the load tester
 *    `v2x-loadtest-...`). Such an id has a '-' or is the username, so it is never a car's VIN
 *    (service usernames that are valid VINs are refused: serviceAccountProblem).
 */
import { isValidVin } from '../../protocol/vin.js';
import type { AclClient } from '../../protocol/acl.js';

export function clientIdProblem(principal: AclClient, username: string, clientId: string): string | undefined {
  if (principal.role === 'car') {
    return clientId === principal.vin ? undefined : `car ${principal.vin} must connect with its VIN as client id`;
  }
  return clientId === username || clientId.startsWith(`${username}-`)
    ? undefined
    : `service account ${username} must connect with client id ${username} or ${username}-<suffix>`;
}

/** A configured service account whose username is a valid VIN could take that car's session. */
export function serviceAccountProblem(username: string): string | undefined {
  return isValidVin(username)
    ? `mqtt.services: username ${username} is a valid VIN; a service account must not look like a car`
    : undefined;
}
