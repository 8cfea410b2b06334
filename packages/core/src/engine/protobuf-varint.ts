/** Maximum bytes of a protobuf varint: a 64-bit value in 7-bit groups. */
const MAX_VARINT_BYTES = 10;

/**
 * Decoding state of one protobuf varint, fed one byte at a time so that the buffer scanner of
 * `prepare` and the file reader of `inspectOnnxFile` share the arithmetic. Values are exact up
 * to 2^53, because they are summed as doubles.
 */
export class VarintDecoder {
  private value = 0;
  private scale = 1;
  private bytes = 0;

  /** @param position offset of the varint's first byte, named in the error for a corrupt varint */
  constructor(private readonly position: number) {}

  /**
   * Adds the next byte and returns the decoded value once a byte with the high bit clear ends the
   * varint, else undefined. Throws when the 10th byte still has the high bit set.
   */
  push(byte: number): number | undefined {
    this.value += (byte & 0x7f) * this.scale;
    this.bytes += 1;
    if ((byte & 0x80) === 0) {
      return this.value;
    }
    if (this.bytes >= MAX_VARINT_BYTES) {
      throw new Error(`Invalid protobuf varint at byte ${this.position}; the ONNX file is corrupt.`);
    }
    this.scale *= 128;
    return undefined;
  }
}
