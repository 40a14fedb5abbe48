// Every value from the API reaches the page through textContent or an attribute, never as HTML.

/**
 * Controls that change how text reads rather than what it says: bidi overrides, embeddings,
 * isolates and marks (`safe_\u202Eexe.txt` reads as `safe_txt.exe`), and C0/C1 controls but tab
 * and newline. Upstream error text and imported tool names may hold them.
 */
const HIDDEN_CONTROLS =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * `text` with every such control shown as its escape (`\u202E`), so what is read is what is stored.
 * @param {string} text
 */
export function shown(text) {
  return text.replace(
    HIDDEN_CONTROLS,
    (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
  );
}

/**
 * An element with attributes and children; strings become text nodes.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | boolean | undefined>} [attributes]
 * @param {Array<Node | string | number | null | undefined>} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  setAttributes(node, attributes);
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === 'object' ? child : document.createTextNode(shown(String(child))));
  }
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * An SVG element with attributes and an optional text content.
 * @param {string} tag
 * @param {Record<string, string | number | undefined>} [attributes]
 * @param {string} [text]
 * @returns {SVGElement}
 */
export function svg(tag, attributes = {}, text) {
  const node = /** @type {SVGElement} */ (document.createElementNS(SVG_NS, tag));
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) node.setAttribute(name, String(value));
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * @param {Element} node
 * @param {Record<string, string | boolean | undefined>} attributes
 */
function setAttributes(node, attributes) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : value);
  }
}

/**
 * The element with this id, of the expected type (a missing one is a bug in index.html).
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
export function byId(id, type) {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`#${id} is missing or not a ${type.name}`);
  return node;
}

/**
 * Replaces the children of `node` with `children`.
 * @param {Element} node
 * @param {Array<Node | string>} children
 */
export function replaceChildren(node, children) {
  node.replaceChildren(...children);
}
