// Proves which spellings count as a division code: 2, 4, 6, 9 or 12 digits, or a village group "<12 digits>-<n>" with n from 1 to 999.
import { isDivisionCode } from './division-code';

describe('isDivisionCode', () => {
  it.each([
    '53',
    '5303',
    '530325',
    '530325100',
    '530325100201',
    '530325100201-1',
    '530325100201-999',
  ])('given %s, then it is a division code', (code) => {
    expect(isDivisionCode(code)).toBe(true);
  });

  it.each([
    '',
    '5',
    '53032',
    '5303251',
    '5303251002011',
    'abc',
    '53a3',
    '530325100201-0',
    '530325100201-01',
    '530325100201-1000',
    '530325-1',
    ' 530325',
    53,
  ])('given %j, then it is not', (code) => {
    expect(isDivisionCode(code)).toBe(false);
  });
});
