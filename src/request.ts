import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/**
 * The reply of `GET <base_url>/parevo-lab/status`.
 */
export interface IServerStatus {
  name: string;
  version: string;
  ok: boolean;
}

/**
 * Call a route of the parevo_lab server extension.
 *
 * `ServerConnection.makeRequest` adds the token and XSRF headers, so the
 * handlers can stay behind `@tornado.web.authenticated`.
 */
export async function requestAPI<T>(
  endPoint: string,
  settings: ServerConnection.ISettings,
  init: RequestInit = {}
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, 'parevo-lab', endPoint);

  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new ServerConnection.NetworkError(error as TypeError);
  }

  const text = await response.text();
  let data: any = text;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      // Not JSON (e.g. a proxy's HTML error page): keep the raw text.
    }
  }

  if (!response.ok) {
    throw new ServerConnection.ResponseError(response, data?.message ?? data);
  }
  return data as T;
}

/**
 * Ask the server extension who it is.
 */
export function fetchStatus(
  settings: ServerConnection.ISettings
): Promise<IServerStatus> {
  return requestAPI<IServerStatus>('status', settings);
}
