/**
 * CRC-64/XZ (ECMA-182 polynomial, reflected, all-ones init and final XOR): the checksum OSS sends
 * as `x-oss-hash-crc64ecma`, in decimal (OSS "CRC-64 data validation"; the same table as Go's
 * `crc64.MakeTable(crc64.ECMA)` that the Go SDK and ossutil check against). Computed on two 32-bit
 * halves, which is much faster in JavaScript than BigInt arithmetic per byte.
 */
const POLY_HI = 0xc96c5795;
const POLY_LO = 0xd7870f42;

const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let k = 0; k < 8; k++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | (hi << 31)) >>> 0;
    hi = hi >>> 1;
    if (carry) {
      lo = (lo ^ POLY_LO) >>> 0;
      hi = (hi ^ POLY_HI) >>> 0;
    }
  }
  TABLE_HI[i] = hi;
  TABLE_LO[i] = lo;
}

const cache = new WeakMap<Buffer, string>();

export function crc64(data: Buffer): string {
  const known = cache.get(data);
  if (known !== undefined) {
    return known;
  }
  let hi = 0xffffffff;
  let lo = 0xffffffff;
  for (let n = 0; n < data.length; n++) {
    const idx = (lo ^ data[n]) & 0xff;
    lo = (((lo >>> 8) | (hi << 24)) ^ TABLE_LO[idx]) >>> 0;
    hi = ((hi >>> 8) ^ TABLE_HI[idx]) >>> 0;
  }
  const value = ((BigInt((hi ^ 0xffffffff) >>> 0) << 32n) | BigInt((lo ^ 0xffffffff) >>> 0)).toString();
  cache.set(data, value);
  return value;
}
