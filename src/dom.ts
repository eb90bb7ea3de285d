/**
 * Create an element with a class and append it to a parent: the panels build their DOM with it.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  parent: HTMLElement
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  parent.appendChild(node);
  return node;
}
