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

// "Check": a check mark in a circle (compile, verify, races, profile).
const checkSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 2a8 8 0 1 1 0 16 8 8 0 0 1 0-16z"/>
    <path d="M10.3 15.6 6.7 12l1.4-1.4 2.2 2.2 5.6-5.6 1.4 1.4z"/>
  </g>
</svg>`;

export const checkIcon = new LabIcon({
  name: 'parevo-lab:check',
  svgstr: checkSvg
});

// "Audit": a magnifier over a bug-like mutant (how strong the task's verification is).
const auditSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M10 3a7 7 0 0 1 5.6 11.2l5.1 5.1-1.4 1.4-5.1-5.1A7 7 0 1 1 10 3zm0 2a5 5 0 1 0 0 10 5 5 0 0 0 0-10z"/>
    <circle cx="10" cy="10" r="2.2"/>
  </g>
</svg>`;

export const auditIcon = new LabIcon({
  name: 'parevo-lab:audit',
  svgstr: auditSvg
});
