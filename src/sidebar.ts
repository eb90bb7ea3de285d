import { Widget } from '@lumino/widgets';

import { parevoIcon } from './icons';
import { IServerStatus } from './request';

/**
 * The ParEVO side panel. Empty for now apart from the connection line;
 * the run browser and the diff views will live here.
 */
export class ParevoSidebar extends Widget {
  constructor() {
    super();
    this.id = 'parevo-sidebar';
    this.addClass('jp-ParevoSidebar');
    this.title.icon = parevoIcon;
    this.title.caption = 'ParEVO Lab';

    const header = document.createElement('h2');
    header.className = 'jp-ParevoSidebar-header';
    header.textContent = 'ParEVO Lab';
    this.node.appendChild(header);

    this._statusNode = document.createElement('div');
    this._statusNode.className = 'jp-ParevoSidebar-status';
    this.node.appendChild(this._statusNode);
    this._setStatus('pending', 'Connecting to the ParEVO server extension…');
  }

  /**
   * Show that the server extension answered.
   */
  showConnected(status: IServerStatus): void {
    this._setStatus(
      'connected',
      `ParEVO Lab ${status.version} — server extension connected`
    );
  }

  /**
   * Show why the server extension could not be reached.
   */
  showError(reason: string): void {
    this._setStatus(
      'error',
      `ParEVO Lab — server extension not reachable: ${reason}`
    );
  }

  private _setStatus(
    state: 'pending' | 'connected' | 'error',
    text: string
  ): void {
    this._statusNode.dataset.state = state;
    this._statusNode.textContent = text;
  }

  private _statusNode: HTMLDivElement;
}
