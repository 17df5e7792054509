// Colour arithmetic for text on coloured backgrounds (team colours), by WCAG 2 contrast.

/** "#1f6b33" or "#abc" -> [r, g, b] in 0..255; null for anything else. */
export function parseHex(colour) {
  const match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(colour ?? "").trim());
  if (!match) return null;
  let hex = match[1];
  if (hex.length === 3) hex = [...hex].map((c) => c + c).join("");
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/** WCAG 2 relative luminance of an [r, g, b] colour. */
export function luminance([r, g, b]) {
  const channel = (value) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** The contrast ratio of two colours, from 1 to 21. */
export function contrast(a, b) {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

const BLACK = [0, 0, 0];
const WHITE = [255, 255, 255];

/** "#000" or "#fff", whichever has the higher contrast on `background`. */
export function textOn(background) {
  const rgb = parseHex(background);
  if (!rgb) return "";
  return contrast(rgb, BLACK) >= contrast(rgb, WHITE) ? "#000" : "#fff";
}
