import { divisionCodeLengthByLevel } from './division';
import { villageGroupNumberMax } from './village-group';

// Built from the library's level lengths (2, 4, 6, 9, 12) so a new level cannot drift apart.
const statisticalCodeLengths = [...new Set(Object.values(divisionCodeLengthByLevel))].sort(
  (a, b) => a - b,
);
const statisticalCodePattern = new RegExp(
  `^(?:${statisticalCodeLengths.map((length) => `\\d{${length}}`).join('|')})$`,
);
const villageGroupCodePattern = new RegExp(
  `^\\d{${divisionCodeLengthByLevel.village}}-[1-9]\\d{0,${String(villageGroupNumberMax).length - 1}}$`,
);

const lengthsText = `${statisticalCodeLengths.slice(0, -1).join(', ')} or ${statisticalCodeLengths.at(-1)}`;

export const divisionCodeFormatMessage =
  `must be a division code (行政区划代码) of ${lengthsText} digits, ` +
  `or a village group code (村民小组) "<${divisionCodeLengthByLevel.village} digits>-<n>"`;

/** Whether `code` is spelled like a division code; whether it exists is the registry's question. */
export function isDivisionCode(code: unknown): code is string {
  return (
    typeof code === 'string' &&
    (statisticalCodePattern.test(code) || villageGroupCodePattern.test(code))
  );
}

/** Either kind of code, as one pattern for the OpenAPI document. */
export const anyDivisionCodePattern = new RegExp(
  `(?:${statisticalCodePattern.source})|(?:${villageGroupCodePattern.source})`,
);
