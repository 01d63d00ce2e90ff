/**
 * Splitting an arguments field into argv words as a POSIX shell does for
 * plain words: blanks separate words, 'single quotes' keep everything,
 * "double quotes" keep all but a backslash before " \ $ or `, and a
 * backslash outside quotes keeps the next character. No expansions.
 */

/** Thrown for an unterminated quote or a trailing backslash. */
export class ArgsError extends Error {}

/** The words of `line`. */
export function splitArgs(line: string): string[] {
  const words: string[] = [];
  let word = "", inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === " " || c === "\t" || c === "\n") {
      if (inWord) { words.push(word); word = ""; inWord = false; }
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ArgsError("a ' quote is not closed");
      word += line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      for (i++; ; i++) {
        if (i >= line.length) throw new ArgsError('a " quote is not closed');
        const d = line[i];
        if (d === '"') break;
        if (d === "\\" && i + 1 < line.length && "\"\\$`".includes(line[i + 1])) word += line[++i];
        else word += d;
      }
    } else if (c === "\\") {
      if (i + 1 >= line.length) throw new ArgsError("the line ends with a backslash");
      word += line[++i];
    } else word += c;
  }
  if (inWord) words.push(word);
  return words;
}
