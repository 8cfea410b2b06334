/**
 * Largest weight level. It uses seven bits instead of eight, because onnxruntime's x86 AVX2
 * kernel for uint8 x int8 products adds pairs of products in 16-bit registers. 255 x 127 x 2
 * overflows them and 255 x 63 x 2 does not. onnxruntime's own quantizer calls this `reduce_range`.
 */
export const WEIGHT_MAX_LEVEL = 63;

/** A [rows, columns] weight matrix quantized symmetrically per column. */
export interface QuantizedColumns {
  /** int8 levels in row-major order, in [-WEIGHT_MAX_LEVEL, WEIGHT_MAX_LEVEL]. */
  levels: Int8Array;
  /** One scale per column: weight ≈ level × scale. A column of zeros gets scale 1. */
  scales: Float32Array;
}

/**
 * Quantizes a row-major [rows, columns] float matrix (a MatMul's B operand, so one column per
 * output feature) with one symmetric scale per column and zero point 0.
 */
export function quantizeColumns(weights: Float32Array, rows: number, columns: number, maxLevel = WEIGHT_MAX_LEVEL): QuantizedColumns {
  if (weights.length !== rows * columns) {
    throw new RangeError(`weights has ${weights.length} values, but rows x columns is ${rows} x ${columns} = ${rows * columns}.`);
  }
  const maxAbs = new Float64Array(columns);
  for (let row = 0; row < rows; row += 1) {
    const offset = row * columns;
    for (let column = 0; column < columns; column += 1) {
      const magnitude = Math.abs(weights[offset + column]!);
      if (magnitude > maxAbs[column]!) maxAbs[column] = magnitude;
    }
  }

  const scales = new Float32Array(columns);
  for (let column = 0; column < columns; column += 1) {
    scales[column] = maxAbs[column]! > 0 ? maxAbs[column]! / maxLevel : 1;
  }

  const levels = new Int8Array(rows * columns);
  for (let row = 0; row < rows; row += 1) {
    const offset = row * columns;
    for (let column = 0; column < columns; column += 1) {
      const level = Math.round(weights[offset + column]! / scales[column]!);
      levels[offset + column] = Math.max(-maxLevel, Math.min(maxLevel, level));
    }
  }
  return { levels, scales };
}
