import { LabIcon } from '@jupyterlab/ui-components';

// A branching "evolution" glyph; jp-icon3 lets the theme recolour it.
const parevoSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <circle cx="5" cy="12" r="2.5"/>
    <circle cx="19" cy="5" r="2.5"/>
    <circle cx="19" cy="12" r="2.5"/>
    <circle cx="19" cy="19" r="2.5"/>
    <path d="M7 11h4.2l4.6-5.2 1.1 1-4.9 5.7H7zM7 12.5h9.5v-1H7zM7 12.5h4.4l4.5 5.7-1.1.9-4.1-5.1H7z"/>
  </g>
</svg>`;

export const parevoIcon = new LabIcon({
  name: 'parevo-lab:icon',
  svgstr: parevoSvg
});
