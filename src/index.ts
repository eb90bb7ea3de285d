import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';

import { fetchStatus } from './request';
import { ParevoSidebar } from './sidebar';

/**
 * The ParEVO Lab plugin: a left sidebar and a check that the server
 * extension is there.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: 'parevo-lab:plugin',
  description:
    'ParEVO Lab: verified parallel numba kernels for irregular data.',
  autoStart: true,
  activate: (app: JupyterFrontEnd) => {
    console.log('JupyterLab extension parevo-lab is activated!');

    const sidebar = new ParevoSidebar();
    app.shell.add(sidebar, 'left', { rank: 900 });

    fetchStatus(app.serviceManager.serverSettings)
      .then(status => sidebar.showConnected(status))
      .catch(reason => {
        console.error(
          'The parevo_lab server extension appears to be missing.',
          reason
        );
        sidebar.showError(reason?.message ?? String(reason));
      });
  }
};

export default plugin;
