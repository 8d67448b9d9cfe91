//! What a PDF's standard security handler says, read without decrypting the document: whether
//! it opens without a password, and what its permissions allow.
//!
//! The encryption dictionary is never compressed (it may not sit in an object stream), so it
//! is found as written: the last trailer's `/Encrypt` entry, the dictionary itself or the
//! object it refers to. The check of the empty password follows ISO 32000-2 §7.6.4: MD5 and
//! RC4 for revisions 2 to 4 (Algorithms 2 and 4/5), SHA-256 for revision 5 and the SHA-2/AES
//! hash of Algorithm 2.B for revision 6. All it takes is the first 48 bytes of `/O` and `/U`,
//! `/P` and the file's first `/ID` string. It replaces a whole PDF library that brought 28
//! crates for this one question.

use std::collections::BTreeMap;

use aes::cipher::{BlockCipherEncrypt, KeyInit};
use md5::{Digest, Md5};

/// What the security handler allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Security {
    /// The empty password does not open it: it needs a password (or a certificate).
    NeedsPassword,
    /// It opens without a password; `permissions` is its `/P` (bit 4: changes, bit 6: comments).
    Opens { permissions: u32 },
}

/// Changing the document (bit 4 of `/P`).
pub(super) const MODIFY: u32 = 1 << 3;
/// Adding comments and markups (bit 6 of `/P`).
pub(super) const ANNOTATE: u32 = 1 << 5;

/// The security of `pdf`, a whole file whose trailer declares `/Encrypt`; the reason when it
/// cannot be read.
pub(super) fn security(pdf: &[u8]) -> Result<Security, String> {
    let at = last_name(pdf, b"/Encrypt").ok_or("no /Encrypt entry")?;
    let mut p = Parser { s: pdf, i: at };
    let dict = match p.value(0)? {
        Value::Dict(d) => d,
        Value::Ref(n, g) => {
            let start = object(pdf, n, g).ok_or(format!("no object {n} {g}"))?;
            match (Parser { s: pdf, i: start }).value(0)? {
                Value::Dict(d) => d,
                _ => return Err("the encryption entry is not a dictionary".into()),
            }
        }
        _ => return Err("the encryption entry is not a dictionary".into()),
    };
    if dict.get("Filter") != Some(&Value::Name("Standard".into())) {
        return Ok(Security::NeedsPassword);
    }
    let int = |key: &str| match dict.get(key) {
        Some(Value::Int(n)) => Some(*n),
        _ => None,
    };
    let bytes = |key: &str| match dict.get(key) {
        Some(Value::Str(s)) if s.len() >= 32 => Ok(s.as_slice()),
        _ => Err(format!("no /{key} of at least 32 bytes")),
    };
    let revision = int("R").ok_or("no revision /R")?;
    // /P is a 32-bit signed number; its bits are what counts.
    let permissions = int("P").ok_or("no permissions /P")? as u32;
    let (o, u) = (bytes("O")?, bytes("U")?);
    let opens = match revision {
        2..=4 => {
            let id = first_id(pdf);
            let metadata = dict.get("EncryptMetadata") != Some(&Value::Bool(false));
            let key = file_key(
                o,
                permissions,
                &id,
                key_length(revision, int("Length")),
                revision,
                metadata,
            );
            user_check(&key, &id, revision) == u[..if revision == 2 { 32 } else { 16 }]
        }
        5 | 6 if u.len() >= 40 => {
            let hash: Vec<u8> = if revision == 5 {
                sha2::Sha256::digest(&u[32..40]).to_vec()
            } else {
                hash_2b(&u[32..40])
            };
            hash[..32] == u[..32]
        }
        _ => return Err(format!("unknown security revision {revision}")),
    };
    Ok(if opens {
        Security::Opens { permissions }
    } else {
        Security::NeedsPassword
    })
}

/// The padding every password is filled up with (Algorithm 2).
const PAD: [u8; 32] = [
    0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
    0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
];

/// The file key's length in bytes: 5 for revision 2; else `/Length` in bits (40 when not given
/// for revision 3, 128 for 4), which some writers give in bytes.
fn key_length(revision: i64, length: Option<i64>) -> usize {
    let bits = match (revision, length) {
        (2, _) => 40,
        (_, Some(n)) if n <= 16 => n * 8,
        (_, Some(n)) => n,
        (3, None) => 40,
        (_, None) => 128,
    };
    (bits / 8).clamp(5, 16) as usize
}

/// Algorithm 2: the file key from the empty password.
fn file_key(o: &[u8], p: u32, id: &[u8], len: usize, revision: i64, metadata: bool) -> Vec<u8> {
    let mut md5 = Md5::new();
    md5.update(PAD);
    md5.update(&o[..32]);
    md5.update(p.to_le_bytes());
    md5.update(id);
    if revision >= 4 && !metadata {
        md5.update([0xFF; 4]);
    }
    let mut hash = md5.finalize().to_vec();
    if revision >= 3 {
        for _ in 0..50 {
            hash = Md5::digest(&hash[..len]).to_vec();
        }
    }
    hash.truncate(len);
    hash
}

/// Algorithms 4 and 5: what `/U` holds when `key` is the key of the empty password.
fn user_check(key: &[u8], id: &[u8], revision: i64) -> Vec<u8> {
    if revision == 2 {
        return rc4(key, &PAD);
    }
    let mut data = Md5::new()
        .chain_update(PAD)
        .chain_update(id)
        .finalize()
        .to_vec();
    data = rc4(key, &data);
    for i in 1..=19u8 {
        let round: Vec<u8> = key.iter().map(|k| k ^ i).collect();
        data = rc4(&round, &data);
    }
    data
}

/// RC4 (the cipher of revisions 2 to 4), which no well-kept crate offers on the cipher version
/// the AES crate uses; eight lines.
fn rc4(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut s: Vec<u8> = (0..=255).collect();
    let mut j = 0u8;
    for i in 0..256 {
        j = j.wrapping_add(s[i]).wrapping_add(key[i % key.len()]);
        s.swap(i, usize::from(j));
    }
    let (mut i, mut j) = (0u8, 0u8);
    data.iter()
        .map(|b| {
            i = i.wrapping_add(1);
            j = j.wrapping_add(s[usize::from(i)]);
            s.swap(usize::from(i), usize::from(j));
            b ^ s[usize::from(s[usize::from(i)].wrapping_add(s[usize::from(j)]))]
        })
        .collect()
}

/// Algorithm 2.B for the empty password and no user data: SHA-256, -384 or -512 of AES-128-CBC
/// rounds until the rule of the last byte ends them.
fn hash_2b(salt: &[u8]) -> Vec<u8> {
    let mut k = sha2::Sha256::digest(salt).to_vec();
    let mut round = 0usize;
    let mut last = 0u8;
    while round < 64 || usize::from(last) > round - 32 {
        // K1 is K repeated 64 times (the password and user data are empty).
        let mut e: Vec<u8> = k.iter().copied().cycle().take(k.len() * 64).collect();
        let aes = aes::Aes128::new(k[..16].try_into().expect("16 bytes"));
        let mut chain: [u8; 16] = k[16..32].try_into().expect("16 bytes");
        for block in e.chunks_exact_mut(16) {
            block.iter_mut().zip(chain).for_each(|(b, c)| *b ^= c);
            aes.encrypt_block(block.try_into().expect("16 bytes"));
            chain.copy_from_slice(block);
        }
        k = match e[..16].iter().map(|b| u32::from(*b)).sum::<u32>() % 3 {
            0 => sha2::Sha256::digest(&e).to_vec(),
            1 => sha2::Sha384::digest(&e).to_vec(),
            _ => sha2::Sha512::digest(&e).to_vec(),
        };
        last = e[e.len() - 1];
        round += 1;
    }
    k.truncate(32);
    k
}

/// Where the value of the last whole name `name` (not a longer name it begins) starts.
fn last_name(s: &[u8], name: &[u8]) -> Option<usize> {
    let mut end = s.len();
    while let Some(at) = s[..end].windows(name.len()).rposition(|w| w == name) {
        let after = at + name.len();
        if s.get(after).is_none_or(|b| !b.is_ascii_alphanumeric()) {
            return Some(after);
        }
        end = at + name.len() - 1;
    }
    None
}

/// Where the object `n g obj` starts its value (the last one, after incremental updates).
fn object(s: &[u8], n: i64, g: i64) -> Option<usize> {
    let head = format!("{n} {g} obj");
    let mut end = s.len();
    while let Some(at) = s[..end]
        .windows(head.len())
        .rposition(|w| w == head.as_bytes())
    {
        if at == 0 || !s[at - 1].is_ascii_digit() {
            return Some(at + head.len());
        }
        end = at + head.len() - 1;
    }
    None
}

/// The first string of the last `/ID` array; empty when there is none.
fn first_id(s: &[u8]) -> Vec<u8> {
    let Some(at) = last_name(s, b"/ID") else {
        return Vec::new();
    };
    match (Parser { s, i: at }).value(0) {
        Ok(Value::Array(items)) => match items.into_iter().next() {
            Some(Value::Str(id)) => id,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// A PDF value, as far as the encryption dictionary needs them.
#[derive(Debug, PartialEq)]
enum Value {
    Dict(BTreeMap<String, Value>),
    Array(Vec<Value>),
    Name(String),
    Str(Vec<u8>),
    Int(i64),
    Bool(bool),
    Ref(i64, i64),
    Other,
}

/// Reads PDF values from `s` at `i`.
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            if b == b'%' {
                while self.peek().is_some_and(|b| b != b'\n' && b != b'\r') {
                    self.i += 1;
                }
            } else if b.is_ascii_whitespace() || b == 0 {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    /// The bytes of a regular run: a name's, a number's or a keyword's.
    fn word(&mut self) -> &[u8] {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|b| !b.is_ascii_whitespace() && !b"/<>[]()%{}".contains(&b))
        {
            self.i += 1;
        }
        &self.s[start..self.i]
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if depth > 32 {
            return Err("values nested too deeply".into());
        }
        self.skip_space();
        let b = self.peek().ok_or("the file ends inside a value")?;
        self.i += 1;
        match b {
            b'/' => Ok(Value::Name(
                String::from_utf8_lossy(self.word()).into_owned(),
            )),
            b'<' if self.peek() == Some(b'<') => {
                self.i += 1;
                self.dict(depth)
            }
            b'<' => Ok(Value::Str(self.hex())),
            b'(' => Ok(Value::Str(self.literal())),
            b'[' => {
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    match self.peek() {
                        Some(b']') => break,
                        None => return Err("an array is not closed".into()),
                        _ => items.push(self.value(depth + 1)?),
                    }
                }
                self.i += 1;
                Ok(Value::Array(items))
            }
            _ => {
                self.i -= 1;
                self.number_or_keyword()
            }
        }
    }

    fn dict(&mut self, depth: usize) -> Result<Value, String> {
        let mut dict = BTreeMap::new();
        loop {
            self.skip_space();
            match self.peek() {
                Some(b'>') => {
                    self.i = (self.i + 2).min(self.s.len());
                    return Ok(Value::Dict(dict));
                }
                Some(b'/') => {
                    self.i += 1;
                    let key = String::from_utf8_lossy(self.word()).into_owned();
                    let value = self.value(depth + 1)?;
                    dict.insert(key, value);
                }
                _ => return Err("a dictionary key is not a name".into()),
            }
        }
    }

    fn number_or_keyword(&mut self) -> Result<Value, String> {
        let word = std::str::from_utf8(self.word())
            .unwrap_or_default()
            .to_owned();
        match word.as_str() {
            "true" => return Ok(Value::Bool(true)),
            "false" => return Ok(Value::Bool(false)),
            "" => return Err("an unreadable value".into()),
            _ => {}
        }
        let Ok(n) = word.parse::<i64>() else {
            return Ok(Value::Other);
        };
        // `n g R` is a reference.
        let back = self.i;
        self.skip_space();
        let generation = std::str::from_utf8(self.word())
            .ok()
            .and_then(|g| g.parse().ok());
        self.skip_space();
        if let Some(g) = generation
            && self.word() == b"R"
        {
            return Ok(Value::Ref(n, g));
        }
        self.i = back;
        Ok(Value::Int(n))
    }

    /// A hex string after its `<`.
    fn hex(&mut self) -> Vec<u8> {
        let mut digits = Vec::new();
        while let Some(b) = self.peek() {
            self.i += 1;
            match b {
                b'>' => break,
                b if b.is_ascii_hexdigit() => {
                    digits.push((b as char).to_digit(16).unwrap_or(0) as u8)
                }
                _ => {}
            }
        }
        if digits.len() % 2 == 1 {
            digits.push(0);
        }
        digits.chunks(2).map(|d| d[0] << 4 | d[1]).collect()
    }

    /// A literal string after its `(`, with its escapes.
    fn literal(&mut self) -> Vec<u8> {
        let (mut out, mut open) = (Vec::new(), 1);
        while let Some(b) = self.peek() {
            self.i += 1;
            match b {
                b'(' => open += 1,
                b')' => {
                    open -= 1;
                    if open == 0 {
                        break;
                    }
                }
                b'\\' => {
                    let Some(e) = self.peek() else { break };
                    self.i += 1;
                    out.push(match e {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 8,
                        b'f' => 12,
                        b'0'..=b'7' => {
                            let mut n = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        n = n * 8 + u32::from(d - b'0');
                                        self.i += 1;
                                    }
                                    _ => break,
                                }
                            }
                            n as u8
                        }
                        // A line break after a backslash continues the line.
                        b'\r' | b'\n' => {
                            if e == b'\r' && self.peek() == Some(b'\n') {
                                self.i += 1;
                            }
                            continue;
                        }
                        other => other,
                    });
                    continue;
                }
                _ => {}
            }
            out.push(b);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_as_written() {
        let mut p = Parser {
            s: b"<</Filter/Standard/V 2 /O (a\\)b\\101\\\nc) /U <4142 43> /P -44 /CF <</X [1 0 R true]>> /EncryptMetadata false>>",
            i: 0,
        };
        let Value::Dict(d) = p.value(0).unwrap() else {
            panic!("not a dictionary")
        };
        assert_eq!(d["Filter"], Value::Name("Standard".into()));
        assert_eq!(d["O"], Value::Str(b"a)bAc".to_vec()));
        assert_eq!(d["U"], Value::Str(b"ABC".to_vec()));
        assert_eq!(d["P"], Value::Int(-44));
        assert_eq!(d["EncryptMetadata"], Value::Bool(false));
        assert_eq!(
            d["CF"],
            Value::Dict(BTreeMap::from([(
                "X".to_owned(),
                Value::Array(vec![Value::Ref(1, 0), Value::Bool(true)])
            )]))
        );
    }

    #[test]
    fn rc4_gives_the_published_test_vector() {
        // The "Key" / "Plaintext" vector of RC4's description.
        assert_eq!(
            rc4(b"Key", b"Plaintext"),
            [0xBB, 0xF3, 0x16, 0xE8, 0xD9, 0x40, 0xAF, 0x0A, 0xD3]
        );
    }
}
