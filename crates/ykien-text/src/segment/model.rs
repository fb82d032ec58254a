//! The trained model and its file format.
//!
//! Little-endian, versioned, checksummed, and sparse (only non-zero weights are written),
//! so a 2^20-slot table ships in a couple of megabytes and a truncated or stale file is
//! refused rather than silently misread.
//!
//! Layout: magic `YKSEGMDL`, u32 format version, u32 feature version, u8 table bits,
//! 3 reserved bytes, f32 scale, 4 × i32 transitions (from B/I to B/I), u32 weight count and
//! that many (varint index delta, zigzag varint value) pairs, u32 dictionary size and that
//! many varint deltas of sorted fingerprints, then FNV-1a 64 of everything before it.

use std::fmt;

use super::dictionary::DictSet;
use super::features::FEATURE_VERSION;

const MAGIC: &[u8; 8] = b"YKSEGMDL";
const FORMAT_VERSION: u32 = 1;

/// Why a model file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelError {
    /// Not a segmenter model.
    BadMagic,
    /// Written by another version of the format or the feature templates.
    Version { format: u32, features: u32 },
    /// Ends early or has trailing bytes.
    Truncated,
    /// Content does not match its checksum.
    Checksum,
    /// A field is out of range.
    Invalid(&'static str),
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::BadMagic => write!(f, "not a segmenter model"),
            ModelError::Version { format, features } => write!(
                f,
                "model format {format}/features {features}, expected {FORMAT_VERSION}/{FEATURE_VERSION}"
            ),
            ModelError::Truncated => write!(f, "model file truncated"),
            ModelError::Checksum => write!(f, "model checksum mismatch"),
            ModelError::Invalid(what) => write!(f, "invalid model field: {what}"),
        }
    }
}

impl std::error::Error for ModelError {}

/// Weights of the gap classifier plus the dictionary it consults.
#[derive(Clone, Debug)]
pub struct Model {
    pub(crate) bits: u8,
    pub(crate) weights: Vec<i16>,
    /// `trans[prev * 2 + cur]`, tags 0 = B (starts a word), 1 = I (continues one).
    pub(crate) trans: [i32; 4],
    pub(crate) scale: f32,
    pub(crate) dict: DictSet,
}

impl Model {
    /// A model that never joins anything; the fallback if the embedded one were unusable.
    pub fn empty() -> Model {
        Model {
            bits: 1,
            weights: vec![0; 2],
            trans: [0; 4],
            scale: 1.0,
            dict: DictSet::default(),
        }
    }

    #[inline(always)]
    pub(crate) fn slot(&self, h: u64) -> usize {
        slot(h, self.bits)
    }

    /// Number of non-zero weights.
    pub fn nonzero(&self) -> usize {
        self.weights.iter().filter(|&&w| w != 0).count()
    }

    /// Number of dictionary fingerprints.
    pub fn dictionary_len(&self) -> usize {
        self.dict.len()
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.nonzero() * 4 + self.dict.len() * 3 + 64);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&FEATURE_VERSION.to_le_bytes());
        out.extend_from_slice(&[self.bits, 0, 0, 0]);
        out.extend_from_slice(&self.scale.to_le_bytes());
        for t in self.trans {
            out.extend_from_slice(&t.to_le_bytes());
        }
        out.extend_from_slice(&(self.nonzero() as u32).to_le_bytes());
        let mut prev = 0usize;
        for (i, &w) in self.weights.iter().enumerate() {
            if w != 0 {
                put_varint(&mut out, (i - prev) as u64);
                put_varint(&mut out, zigzag(w as i64));
                prev = i;
            }
        }
        let fps = self.dict.sorted();
        out.extend_from_slice(&(fps.len() as u32).to_le_bytes());
        let mut prev = 0u32;
        for fp in fps {
            put_varint(&mut out, (fp - prev) as u64);
            prev = fp;
        }
        let sum = fnv1a(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        if bytes.len() < 8 || &bytes[..8] != MAGIC {
            return Err(ModelError::BadMagic);
        }
        if bytes.len() < 8 + 8 + 4 + 4 + 16 + 4 + 4 + 8 {
            return Err(ModelError::Truncated);
        }
        let (body, sum) = bytes.split_at(bytes.len() - 8);
        let mut r = Reader {
            bytes: body,
            pos: 8,
        };
        let format = r.u32()?;
        let features = r.u32()?;
        if format != FORMAT_VERSION || features != FEATURE_VERSION {
            return Err(ModelError::Version { format, features });
        }
        if fnv1a(body).to_le_bytes() != sum {
            return Err(ModelError::Checksum);
        }
        let bits = r.take(4)?[0];
        if !(1..=26).contains(&bits) {
            return Err(ModelError::Invalid("table bits"));
        }
        let scale = f32::from_le_bytes(r.array()?);
        let mut trans = [0i32; 4];
        for t in &mut trans {
            *t = i32::from_le_bytes(r.array()?);
        }
        let n = r.u32()? as usize;
        let size = 1usize << bits;
        if n > size {
            return Err(ModelError::Invalid("weight count"));
        }
        let mut weights = vec![0i16; size];
        let mut idx = 0usize;
        for _ in 0..n {
            idx = idx
                .checked_add(r.varint()? as usize)
                .ok_or(ModelError::Invalid("weight index"))?;
            let w = unzigzag(r.varint()?);
            if idx >= size || w < i16::MIN as i64 || w > i16::MAX as i64 {
                return Err(ModelError::Invalid("weight"));
            }
            weights[idx] = w as i16;
        }
        let m = r.u32()? as usize;
        if m > body.len() {
            return Err(ModelError::Invalid("dictionary size"));
        }
        let mut fps = Vec::with_capacity(m);
        let mut fp = 0u64;
        for _ in 0..m {
            fp += r.varint()?;
            if fp > u32::MAX as u64 || fp == 0 {
                return Err(ModelError::Invalid("dictionary entry"));
            }
            fps.push(fp as u32);
        }
        if r.pos != body.len() {
            return Err(ModelError::Truncated);
        }
        Ok(Model {
            bits,
            weights,
            trans,
            scale,
            dict: DictSet::from_fingerprints(&fps),
        })
    }
}

/// Table slot of a feature hash: the high bits, where the multiplicative mixing is best.
#[inline(always)]
pub(crate) fn slot(h: u64, bits: u8) -> usize {
    (h.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits as u32)) as usize
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self.pos.checked_add(n).ok_or(ModelError::Truncated)?;
        let s = self.bytes.get(self.pos..end).ok_or(ModelError::Truncated)?;
        self.pos = end;
        Ok(s)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], ModelError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn u32(&mut self) -> Result<u32, ModelError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn varint(&mut self) -> Result<u64, ModelError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.take(1)?[0];
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(ModelError::Invalid("varint"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::dictionary::fingerprint;

    fn sample() -> Model {
        let mut weights = vec![0i16; 1 << 8];
        weights[3] = -7;
        weights[200] = 32767;
        weights[255] = i16::MIN;
        let dict = DictSet::from_fingerprints(&[fingerprint(1) | 1, fingerprint(2) | 2]);
        Model {
            bits: 8,
            weights,
            trans: [1, -2, 3, -4],
            scale: 0.5,
            dict,
        }
    }

    #[test]
    fn round_trips() {
        let m = sample();
        let back = Model::from_bytes(&m.to_bytes()).unwrap();
        assert_eq!(back.weights, m.weights);
        assert_eq!(back.trans, m.trans);
        assert_eq!(back.dict.sorted(), m.dict.sorted());
    }

    #[test]
    fn refuses_damage() {
        let bytes = sample().to_bytes();
        assert_eq!(
            Model::from_bytes(&bytes[..bytes.len() - 1]).unwrap_err(),
            ModelError::Checksum
        );
        let mut flipped = bytes.clone();
        flipped[40] ^= 1;
        assert!(Model::from_bytes(&flipped).is_err());
        assert_eq!(
            Model::from_bytes(b"nope").unwrap_err(),
            ModelError::BadMagic
        );
        for cut in 0..bytes.len() {
            assert!(Model::from_bytes(&bytes[..cut]).is_err());
        }
    }
}
