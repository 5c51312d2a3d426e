/**
 * The primary key of an endpoint, kept in sessionStorage for this browser tab only, so the test
 * console can use the key it was shown at deploy or rotation time. Keys are never retrievable
 * from the server, and this copy dies with the tab.
 */
const storageKey = (endpointName: string) => `workbench:endpoint-key:${endpointName}`;

export function rememberEndpointKey(endpointName: string, key: string): void {
  try {
    sessionStorage.setItem(storageKey(endpointName), key);
  } catch {
    // Storage may be off (private mode, quota): the person pastes the key instead.
  }
}

export function recallEndpointKey(endpointName: string): string | null {
  try {
    return sessionStorage.getItem(storageKey(endpointName));
  } catch {
    return null;
  }
}
