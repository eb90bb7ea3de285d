// jest: a stylesheet import (src/widget.ts imports style/base.css for esbuild) is nothing here
export {};
