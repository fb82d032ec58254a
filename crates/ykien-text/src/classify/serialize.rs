//! The model file: little-endian, versioned, checksummed, sparse.
//!
//! Layout: magic `YKCLSMDL`; u32 format version; u32 feature version; task and labels as
//! varint-length UTF-8; feature options (bits, word n-grams, char n-gram min/max, flags);
//! loss; f32 temperature; i8 weight exponent; one f32 bias per label; with idf, one byte
//! per bucket (idf × 16); varint count of non-zero rows, and per row a varint gap, a
//! bitmask of non-zero labels and their zigzag-varint weights (in units of 2^exponent);
//! then FNV-1a 64 of everything before it.
//!
//! Weights and idf are rounded to that grid during training already, so a model read back
//! is equal to the one written, and writing it again gives the same bytes.

use super::ClassifyError;
use super::features::{FEATURE_VERSION, FeatureConfig};
use super::model::{Loss, Model};

const MAGIC: &[u8; 8] = b"YKCLSMDL";
const FORMAT_VERSION: u32 = 1;
const QMAX: f32 = 32767.0;
const IDF_STEP: f32 = 16.0;

/// Rounds an idf value to the one-byte grid of the file.
pub(crate) fn quantize_idf(x: f32) -> f32 {
    (x * IDF_STEP).round().clamp(1.0, 255.0) / IDF_STEP
}

/// Rounds every weight to `q × 2^e` with |q| <= 32767, zeroing those below `min_weight` of
/// the largest.
pub(crate) fn quantize_weights(model: &mut Model, min_weight: f32) {
    let max = model.weights.iter().fold(0f32, |m, w| m.max(w.abs()));
    let e = if max > 0.0 {
        (max / QMAX).log2().ceil().clamp(-126.0, 100.0) as i32
    } else {
        0
    };
    let step = 2f32.powi(e);
    let cut = (min_weight.clamp(0.0, 1.0) * QMAX).round();
    for w in &mut model.weights {
        let q = (*w / step).round().clamp(-QMAX, QMAX);
        *w = if q.abs() < cut.max(1.0) {
            0.0
        } else {
            q * step
        };
    }
    model.exponent = e as i8;
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

impl Model {
    /// The model as bytes; [`Model::from_bytes`] reads them back.
    pub fn to_bytes(&self) -> Vec<u8> {
        let k = self.labels.len();
        let fc = &self.features;
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&FEATURE_VERSION.to_le_bytes());
        put_str(&mut out, &self.task);
        put_varint(&mut out, k as u64);
        for l in &self.labels {
            put_str(&mut out, l);
        }
        let (lo, hi) = fc.char_ngrams.unwrap_or((0, 0));
        let flags = fc.accented as u8
            | (fc.folded as u8) << 1
            | (fc.segment as u8) << 2
            | (fc.idf as u8) << 3
            | (fc.title as u8) << 4;
        out.extend_from_slice(&[fc.bits, fc.word_ngrams, lo, hi, flags, self.loss.code()]);
        out.extend_from_slice(&self.temperature.to_le_bytes());
        out.push(self.exponent as u8);
        for b in &self.bias {
            out.extend_from_slice(&b.to_le_bytes());
        }
        if let Some(idf) = &self.idf {
            out.extend(idf.iter().map(|&x| (x * IDF_STEP).round() as u8));
        }
        let step = 2f32.powi(self.exponent as i32);
        let rows: Vec<(usize, &[f32])> = self
            .weights
            .chunks_exact(k)
            .enumerate()
            .filter(|(_, r)| r.iter().any(|&w| w != 0.0))
            .collect();
        put_varint(&mut out, rows.len() as u64);
        let mut next = 0usize;
        let mut mask = vec![0u8; k.div_ceil(8)];
        for (i, row) in rows {
            put_varint(&mut out, (i - next) as u64);
            next = i + 1;
            mask.iter_mut().for_each(|m| *m = 0);
            for (j, &w) in row.iter().enumerate() {
                if w != 0.0 {
                    mask[j / 8] |= 1 << (j % 8);
                }
            }
            out.extend_from_slice(&mask);
            for &w in row.iter().filter(|&&w| w != 0.0) {
                let q = (w / step).round() as i64;
                put_varint(&mut out, ((q << 1) ^ (q >> 63)) as u64);
            }
        }
        let sum = fnv1a(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    /// Reads a model written by [`Model::to_bytes`]; a file that is not a model, another
    /// version, cut short or damaged is refused with a reason, never half-read.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ClassifyError> {
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(ClassifyError::BadMagic);
        }
        if bytes.len() < MAGIC.len() + 8 + 8 {
            return Err(ClassifyError::Truncated);
        }
        let mut r = Reader {
            b: &bytes[..bytes.len() - 8],
            pos: MAGIC.len(),
        };
        let format = r.u32()?;
        let features = r.u32()?;
        if format != FORMAT_VERSION || features != FEATURE_VERSION {
            return Err(ClassifyError::Version { format, features });
        }
        let mut tail = [0u8; 8];
        tail.copy_from_slice(&bytes[bytes.len() - 8..]);
        if fnv1a(r.b) != u64::from_le_bytes(tail) {
            return Err(ClassifyError::Checksum);
        }
        let task = r.string()?;
        let k = r.varint()? as usize;
        if !(2..=u16::MAX as usize).contains(&k) {
            return Err(ClassifyError::Invalid("label count"));
        }
        let labels = (0..k).map(|_| r.string()).collect::<Result<Vec<_>, _>>()?;
        let h = r.take(6)?;
        let (bits, word_ngrams, lo, hi, flags, loss) = (h[0], h[1], h[2], h[3], h[4], h[5]);
        if !(12..=24).contains(&bits) || word_ngrams > 2 || lo > hi || hi > 8 || flags > 31 {
            return Err(ClassifyError::Invalid("feature options"));
        }
        let buckets = 1usize << bits;
        if (buckets as u64) * (k as u64) > 1 << 28 {
            return Err(ClassifyError::Invalid("model dimensions"));
        }
        let fc = FeatureConfig {
            bits,
            word_ngrams,
            char_ngrams: (hi > 0).then_some((lo.max(1), hi)),
            accented: flags & 1 != 0,
            folded: flags & 2 != 0,
            segment: flags & 4 != 0,
            idf: flags & 8 != 0,
            title: flags & 16 != 0,
        };
        let loss = Loss::from_code(loss).ok_or(ClassifyError::Invalid("loss"))?;
        let temperature = r.f32()?;
        if !(temperature.is_finite() && temperature > 0.0) {
            return Err(ClassifyError::Invalid("temperature"));
        }
        let exponent = r.take(1)?[0] as i8;
        let bias = (0..k).map(|_| r.f32()).collect::<Result<Vec<_>, _>>()?;
        if bias.iter().any(|b| !b.is_finite()) {
            return Err(ClassifyError::Invalid("bias"));
        }
        let idf = if fc.idf {
            Some(
                r.take(buckets)?
                    .iter()
                    .map(|&q| q as f32 / IDF_STEP)
                    .collect(),
            )
        } else {
            None
        };
        let step = 2f32.powi(exponent as i32);
        let n_rows = r.varint()?;
        if n_rows > buckets as u64 {
            return Err(ClassifyError::Invalid("row count"));
        }
        let mut weights = vec![0f32; buckets * k];
        let mut next = 0u64;
        let mask_len = k.div_ceil(8);
        for _ in 0..n_rows {
            let row = next
                .checked_add(r.varint()?)
                .filter(|&i| i < buckets as u64);
            let row = row.ok_or(ClassifyError::Invalid("row index"))? as usize;
            next = row as u64 + 1;
            let mask = r.take(mask_len)?.to_vec();
            for j in 0..k {
                if mask[j / 8] & (1 << (j % 8)) != 0 {
                    let z = r.varint()?;
                    let q = ((z >> 1) as i64) ^ -((z & 1) as i64);
                    if q.unsigned_abs() > QMAX as u64 {
                        return Err(ClassifyError::Invalid("weight"));
                    }
                    weights[row * k + j] = q as f32 * step;
                }
            }
        }
        if r.pos != r.b.len() {
            return Err(ClassifyError::Invalid("trailing bytes"));
        }
        Ok(Model {
            task,
            labels,
            features: fc,
            loss,
            weights,
            bias,
            idf,
            temperature,
            exponent,
        })
    }
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ClassifyError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or(ClassifyError::Truncated)?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u32(&mut self) -> Result<u32, ClassifyError> {
        let mut a = [0u8; 4];
        a.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(a))
    }

    fn f32(&mut self) -> Result<f32, ClassifyError> {
        let mut a = [0u8; 4];
        a.copy_from_slice(self.take(4)?);
        Ok(f32::from_le_bytes(a))
    }

    fn varint(&mut self) -> Result<u64, ClassifyError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.take(1)?[0];
            v |= ((b & 0x7F) as u64) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(ClassifyError::Invalid("varint"))
    }

    fn string(&mut self) -> Result<String, ClassifyError> {
        let n = self.varint()?;
        if n > 1 << 16 {
            return Err(ClassifyError::Invalid("string length"));
        }
        let s = self.take(n as usize)?;
        String::from_utf8(s.to_vec()).map_err(|_| ClassifyError::Invalid("label is not UTF-8"))
    }
}
