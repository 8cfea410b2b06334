import { VarintDecoder } from "../engine/protobuf-varint.ts";

/** Protobuf wire types used by ONNX files. */
export const WireType = {
  varint: 0,
  fixed64: 1,
  lengthDelimited: 2,
  fixed32: 5,
} as const;

/** One field of a protobuf message, located in the buffer it was scanned from. */
export interface RawField {
  fieldNumber: number;
  wireType: number;
  /** Offset of the field key; bytes [keyStart, end) are the whole field as encoded. */
  keyStart: number;
  /** Offset of the value (after the length prefix for length-delimited fields). */
  valueStart: number;
  end: number;
  /** Decoded value of a varint field, 0 otherwise. */
  varint: number;
}

/**
 * Splits the protobuf message in `buffer[start, end)` into its top-level fields without
 * decoding their values, so large tensors are located but never copied. Throws a plain Error
 * naming the byte offset on malformed input.
 */
export function scanFields(buffer: Uint8Array, start = 0, end = buffer.length): RawField[] {
  const fields: RawField[] = [];
  let position = start;
  while (position < end) {
    const keyStart = position;
    const [key, afterKey] = readVarint(buffer, position, end);
    const fieldNumber = Math.floor(key / 8);
    const wireType = key % 8;
    if (wireType === WireType.varint) {
      const [value, next] = readVarint(buffer, afterKey, end);
      fields.push({ fieldNumber, wireType, keyStart, valueStart: afterKey, end: next, varint: value });
      position = next;
    } else if (wireType === WireType.lengthDelimited) {
      const [length, valueStart] = readVarint(buffer, afterKey, end);
      position = valueStart + length;
      fields.push({ fieldNumber, wireType, keyStart, valueStart, end: position, varint: 0 });
    } else if (wireType === WireType.fixed64) {
      position = afterKey + 8;
      fields.push({ fieldNumber, wireType, keyStart, valueStart: afterKey, end: position, varint: 0 });
    } else if (wireType === WireType.fixed32) {
      position = afterKey + 4;
      fields.push({ fieldNumber, wireType, keyStart, valueStart: afterKey, end: position, varint: 0 });
    } else {
      throw new Error(`Unsupported protobuf wire type ${wireType} at byte ${keyStart}; the file is not a valid ONNX model.`);
    }
    if (position > end) {
      throw new Error(`A protobuf field at byte ${keyStart} runs past its message end (byte ${end}); the ONNX file is truncated or corrupt.`);
    }
  }
  return fields;
}

/** Decodes the varint at `position`; returns its value (exact up to 2^53) and the offset after it. */
export function readVarint(buffer: Uint8Array, position: number, end = buffer.length): [number, number] {
  const decoder = new VarintDecoder(position);
  for (let offset = position; ; offset += 1) {
    if (offset >= end) {
      throw new Error(`Unexpected end of data at byte ${offset} while reading a varint; the ONNX file is truncated.`);
    }
    const value = decoder.push(buffer[offset]!);
    if (value !== undefined) {
      return [value, offset + 1];
    }
  }
}

/** Encodes a non-negative integer (up to 2^53) as a protobuf varint. */
export function encodeVarint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`A varint must be a non-negative safe integer; got ${value}.`);
  }
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Uint8Array.from(bytes);
}

/** Encodes the key and length prefix of a length-delimited field whose value has `length` bytes. */
export function lengthDelimitedHeader(fieldNumber: number, length: number): Uint8Array {
  const key = encodeVarint(fieldNumber * 8 + WireType.lengthDelimited);
  const size = encodeVarint(length);
  const header = new Uint8Array(key.length + size.length);
  header.set(key, 0);
  header.set(size, key.length);
  return header;
}

/** Encodes a whole length-delimited field (key, length and value). */
export function lengthDelimitedField(fieldNumber: number, value: Uint8Array): Uint8Array {
  const header = lengthDelimitedHeader(fieldNumber, value.length);
  const field = new Uint8Array(header.length + value.length);
  field.set(header, 0);
  field.set(value, header.length);
  return field;
}

/** Decodes the UTF-8 string value of a length-delimited field. */
export function fieldString(buffer: Uint8Array, field: RawField): string {
  return Buffer.from(buffer.buffer, buffer.byteOffset + field.valueStart, field.end - field.valueStart).toString("utf8");
}

/** Returns the bytes of the whole field (key included) as a view, without copying. */
export function fieldBytes(buffer: Uint8Array, field: RawField): Uint8Array {
  return buffer.subarray(field.keyStart, field.end);
}
