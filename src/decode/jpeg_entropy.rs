//! Reads the Huffman-coded data of a sequential JPEG to its end, without the inverse DCT, to find
//! damage the decoder hides: zune-jpeg (the `image` crate's JPEG decoder, even in its strict mode)
//! fills what it cannot decode with grey and reports success, as a browser shows what it can, so a
//! file cut short with its end marker appended, or with flipped bits in its scan, would be judged
//! as if it were the photo.
//!
//! A scan is whole when every block's codes are valid, its restart markers come in order, each
//! restart interval holds exactly its MCUs, and nothing but the padding bits is left at the end
//! of each interval. Flipped bits almost always break one of these: a wrong code shifts every
//! code after it, so the interval ends too early or too late. Progressive and arithmetic-coded
//! files are not read (their decoder reports its own errors).

use crate::error::{Error, Result};

const NAME: &str = "JPEG";

/// A canonical Huffman table (ITU T.81 Annex C), decoded a bit at a time after an 11-bit lookup.
#[derive(Clone)]
struct Huffman {
    /// For each 11-bit prefix: (code length, symbol), length 0 when the code is longer.
    fast: Vec<(u8, u8)>,
    /// For lengths 1..=16: the largest code of that length (or -1), and the index of its first symbol.
    max_code: [i32; 17],
    first_index: [i32; 17],
    first_code: [i32; 17],
    symbols: Vec<u8>,
}

const FAST_BITS: u32 = 11;

impl Huffman {
    fn new(counts: &[u8; 16], symbols: &[u8]) -> Huffman {
        let mut max_code = [-1i32; 17];
        let mut first_index = [0i32; 17];
        let mut first_code = [0i32; 17];
        let mut fast = vec![(0u8, 0u8); 1 << FAST_BITS];
        let (mut code, mut index) = (0i32, 0i32);
        for length in 1..=16usize {
            let count = i32::from(counts[length - 1]);
            first_index[length] = index;
            first_code[length] = code;
            for _ in 0..count {
                if length as u32 <= FAST_BITS {
                    let shift = FAST_BITS - length as u32;
                    let start = (code as usize) << shift;
                    let symbol = symbols.get(index as usize).copied().unwrap_or(0);
                    for slot in fast.iter_mut().skip(start).take(1 << shift) {
                        *slot = (length as u8, symbol);
                    }
                }
                code += 1;
                index += 1;
            }
            if count > 0 {
                max_code[length] = code - 1;
            }
            code <<= 1;
        }
        Huffman { fast, max_code, first_index, first_code, symbols: symbols.to_vec() }
    }

    /// The next symbol, and then `extra(symbol)` bits more (the coefficient's bits, whose value
    /// does not matter here) consumed with it.
    fn decode_and_skip(&self, bits: &mut BitReader, extra: impl Fn(u8) -> u8) -> Result<u8, Damage> {
        let peek = bits.peek(FAST_BITS);
        let (length, symbol) = self.fast[peek as usize];
        if length > 0 {
            bits.consume(u32::from(length) + u32::from(extra(symbol)))?;
            return Ok(symbol);
        }
        let mut code = 0i32;
        for length in 1..=16 {
            code = (code << 1) | bits.bit()? as i32;
            if code <= self.max_code[length] {
                let index = self.first_index[length] + code - self.first_code[length];
                let symbol = self.symbols.get(index as usize).copied().ok_or(Damage::BadCode)?;
                bits.skip(extra(symbol))?;
                return Ok(symbol);
            }
        }
        Err(Damage::BadCode)
    }
}

enum Damage {
    /// The interval's data ended before its MCUs did.
    EndsEarly,
    BadCode,
}

/// Bits of one restart interval's data, the stuffed zero bytes already removed, read through a
/// 64-bit window whose top bits come next.
struct BitReader<'a> {
    bytes: &'a [u8],
    window: u64,
    /// Valid bits in the window.
    count: u32,
    /// The next byte to load.
    next: usize,
}

impl<'a> BitReader<'a> {
    fn new(bytes: &'a [u8]) -> BitReader<'a> {
        BitReader { bytes, window: 0, count: 0, next: 0 }
    }

    /// The next `count` (1 to 32) bits. Past the end they read as 1-bits, the padding: a code
    /// that needs them fails when it is consumed.
    fn peek(&mut self, count: u32) -> u32 {
        if self.count < count {
            if let Some(next_eight) = self.bytes.get(self.next..self.next + 8) {
                // Whole bytes up to a full window; the part of the byte after them that also lands
                // in the window is that byte's own bits, which the next load writes again.
                let loaded = u64::from_be_bytes(next_eight.try_into().unwrap_or_default());
                self.window |= loaded >> self.count;
                let whole_bytes = (64 - self.count) / 8;
                self.next += whole_bytes as usize;
                self.count += 8 * whole_bytes;
            } else {
                while self.count <= 56 {
                    let byte = self.bytes.get(self.next).copied().unwrap_or(0xFF);
                    self.window |= u64::from(byte) << (56 - self.count);
                    self.count += 8;
                    self.next += 1;
                }
            }
        }
        (self.window >> (64 - count)) as u32
    }

    fn consumed_bits(&self) -> usize {
        self.next * 8 - self.count as usize
    }

    fn consume(&mut self, count: u32) -> Result<(), Damage> {
        if self.count < count {
            self.peek(count);
        }
        self.window <<= count;
        self.count -= count;
        if self.consumed_bits() > self.bytes.len() * 8 { Err(Damage::EndsEarly) } else { Ok(()) }
    }

    fn bit(&mut self) -> Result<u32, Damage> {
        let bit = self.peek(1);
        self.consume(1)?;
        Ok(bit)
    }

    fn skip(&mut self, count: u8) -> Result<(), Damage> {
        if count == 0 { Ok(()) } else { self.consume(u32::from(count)) }
    }

    /// Whole bytes left after the padding of the last one.
    fn bytes_left(&self) -> usize {
        self.bytes.len().saturating_sub(self.consumed_bits().div_ceil(8))
    }
}

#[derive(Clone, Copy)]
struct Component {
    id: u8,
    horizontal: u8,
    vertical: u8,
}

struct Frame {
    width: usize,
    height: usize,
    components: Vec<Component>,
}

fn damaged(detail: impl Into<String>) -> Error {
    Error::Damaged { format: NAME, detail: detail.into() }
}

/// Reads every scan of a sequential Huffman-coded JPEG; progressive and arithmetic-coded files
/// pass unread.
pub fn check(data: &[u8]) -> Result<()> {
    let truncated = || Error::Truncated { format: NAME };
    let mut dc_tables: [Option<Huffman>; 4] = Default::default();
    let mut ac_tables: [Option<Huffman>; 4] = Default::default();
    let mut restart_interval = 0usize;
    let mut frame: Option<Frame> = None;
    let mut pos = 2;
    loop {
        while data.get(pos) == Some(&0xFF) && data.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let marker = match (data.get(pos), data.get(pos + 1)) {
            (Some(0xFF), Some(&m)) => m,
            (Some(_), Some(_)) => return Err(damaged(format!("no marker at byte {pos}"))),
            _ => return Err(truncated()),
        };
        pos += 2;
        match marker {
            0xD9 => return Ok(()),
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let length = usize::from(u16::from_be_bytes([
            *data.get(pos).ok_or_else(truncated)?,
            *data.get(pos + 1).ok_or_else(truncated)?,
        ]));
        let segment = data.get(pos + 2..pos + length.max(2)).ok_or_else(truncated)?;
        pos += length.max(2);
        match marker {
            0xC0 | 0xC1 => frame = Some(read_frame(segment).ok_or_else(|| damaged("malformed frame header"))?),
            // Progressive, lossless, hierarchical or arithmetic-coded: not read here.
            0xC2 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return Ok(()),
            0xC4 => read_tables(segment, &mut dc_tables, &mut ac_tables)
                .ok_or_else(|| damaged("malformed Huffman table"))?,
            0xDD => {
                restart_interval = usize::from(u16::from_be_bytes([
                    *segment.first().ok_or_else(truncated)?,
                    *segment.get(1).ok_or_else(truncated)?,
                ]))
            }
            0xDA => {
                let frame = frame.as_ref().ok_or_else(|| damaged("a scan before the frame header"))?;
                pos = read_scan(data, pos, segment, frame, &dc_tables, &ac_tables, restart_interval)?;
            }
            _ => {}
        }
    }
}

fn read_frame(segment: &[u8]) -> Option<Frame> {
    let height = usize::from(u16::from_be_bytes([*segment.get(1)?, *segment.get(2)?]));
    let width = usize::from(u16::from_be_bytes([*segment.get(3)?, *segment.get(4)?]));
    let count = usize::from(*segment.get(5)?);
    let components = (0..count)
        .map(|i| {
            let c = segment.get(6 + 3 * i..9 + 3 * i)?;
            let (horizontal, vertical) = (c[1] >> 4, c[1] & 0x0F);
            (1..=4).contains(&horizontal).then_some(())?;
            (1..=4).contains(&vertical).then_some(())?;
            Some(Component { id: c[0], horizontal, vertical })
        })
        .collect::<Option<Vec<_>>>()?;
    (width > 0 && height > 0 && !components.is_empty()).then_some(Frame { width, height, components })
}

fn read_tables(mut segment: &[u8], dc: &mut [Option<Huffman>; 4], ac: &mut [Option<Huffman>; 4]) -> Option<()> {
    while let Some((&class_and_id, rest)) = segment.split_first() {
        let counts: [u8; 16] = rest.get(..16)?.try_into().ok()?;
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        let symbols = rest.get(16..16 + total)?;
        let table = Huffman::new(&counts, symbols);
        let slot = match class_and_id >> 4 {
            0 => dc.get_mut(usize::from(class_and_id & 0x0F))?,
            1 => ac.get_mut(usize::from(class_and_id & 0x0F))?,
            _ => return None,
        };
        *slot = Some(table);
        segment = &rest[16 + total..];
    }
    Some(())
}

/// Reads one scan whose header is `header` and whose data starts at `start`; returns where the
/// marker after it begins.
fn read_scan(
    data: &[u8],
    start: usize,
    header: &[u8],
    frame: &Frame,
    dc_tables: &[Option<Huffman>; 4],
    ac_tables: &[Option<Huffman>; 4],
    restart_interval: usize,
) -> Result<usize> {
    let malformed = || damaged("malformed scan header");
    let count = usize::from(*header.first().ok_or_else(malformed)?);
    let mut blocks_per_mcu: Vec<(&Huffman, &Huffman, usize)> = Vec::new();
    let mut scan_components = Vec::new();
    for i in 0..count {
        let c = header.get(1 + 2 * i..3 + 2 * i).ok_or_else(malformed)?;
        let component = *frame.components.iter().find(|k| k.id == c[0]).ok_or_else(malformed)?;
        let dc = dc_tables.get(usize::from(c[1] >> 4)).and_then(Option::as_ref).ok_or_else(malformed)?;
        let ac = ac_tables.get(usize::from(c[1] & 0x0F)).and_then(Option::as_ref).ok_or_else(malformed)?;
        scan_components.push(component);
        let blocks = if count == 1 { 1 } else { usize::from(component.horizontal) * usize::from(component.vertical) };
        blocks_per_mcu.push((dc, ac, blocks));
    }
    let h_max = usize::from(frame.components.iter().map(|c| c.horizontal).max().unwrap_or(1));
    let v_max = usize::from(frame.components.iter().map(|c| c.vertical).max().unwrap_or(1));
    let mcus = if count == 1 {
        let c = scan_components[0];
        let width = (frame.width * usize::from(c.horizontal)).div_ceil(h_max);
        let height = (frame.height * usize::from(c.vertical)).div_ceil(v_max);
        width.div_ceil(8) * height.div_ceil(8)
    } else {
        frame.width.div_ceil(8 * h_max) * frame.height.div_ceil(8 * v_max)
    };
    let per_interval = if restart_interval == 0 { mcus } else { restart_interval };

    let mut pos = start;
    let mut decoded = 0usize;
    let mut expected_restart = 0u8;
    let mut interval_bytes = Vec::new();
    while decoded < mcus {
        // One interval's data: up to the next marker, with stuffed zero bytes removed.
        interval_bytes.clear();
        let marker = loop {
            let rest = data.get(pos..).unwrap_or_default();
            let Some(until_ff) = memchr::memchr(0xFF, rest) else {
                interval_bytes.extend_from_slice(rest);
                pos = data.len();
                break None;
            };
            interval_bytes.extend_from_slice(&rest[..until_ff]);
            pos += until_ff;
            match data.get(pos + 1) {
                Some(0x00) => {
                    interval_bytes.push(0xFF);
                    pos += 2;
                }
                Some(0xFF) => pos += 1,
                Some(&m) => break Some(m),
                None => {
                    interval_bytes.push(0xFF);
                    pos += 1;
                    break None;
                }
            }
        };
        let in_interval = per_interval.min(mcus - decoded);
        let mut bits = BitReader::new(&interval_bytes);
        for mcu in 0..in_interval {
            for &(dc, ac, blocks) in &blocks_per_mcu {
                for _ in 0..blocks {
                    read_block(&mut bits, dc, ac).map_err(|damage| {
                        let at = decoded + mcu + 1;
                        match damage {
                            Damage::EndsEarly => damaged(format!("the scan's data ends in MCU {at} of {mcus}")),
                            Damage::BadCode => damaged(format!("an invalid Huffman code in MCU {at} of {mcus}")),
                        }
                    })?;
                }
            }
        }
        decoded += in_interval;
        if bits.bytes_left() > 0 {
            return Err(damaged(format!(
                "{} bytes of data are left over after MCU {decoded} of {mcus}",
                bits.bytes_left()
            )));
        }
        if decoded < mcus {
            match marker {
                Some(m) if m == 0xD0 + expected_restart => {
                    pos += 2;
                    expected_restart = (expected_restart + 1) % 8;
                }
                Some(m) if (0xD0..=0xD7).contains(&m) => {
                    return Err(damaged(format!("restart marker {} where {expected_restart} was due", m - 0xD0)));
                }
                _ => return Err(damaged(format!("the scan ends after {decoded} of {mcus} MCUs"))),
            }
        }
    }
    Ok(pos)
}

fn read_block(bits: &mut BitReader, dc: &Huffman, ac: &Huffman) -> Result<(), Damage> {
    // A symbol refused below has no bits of its own to skip.
    let category = dc.decode_and_skip(bits, |category| if category > 11 { 0 } else { category })?;
    if category > 11 {
        return Err(Damage::BadCode);
    }
    let mut k = 1;
    while k < 64 {
        let run_size = ac.decode_and_skip(bits, |run_size| {
            let (run, size) = (usize::from(run_size >> 4), run_size & 0x0F);
            if size > 10 || k + run > 63 { 0 } else { size }
        })?;
        let (run, size) = (run_size >> 4, run_size & 0x0F);
        if size == 0 {
            if run == 15 {
                k += 16;
                continue;
            }
            return Ok(());
        }
        k += usize::from(run);
        if k > 63 || size > 10 {
            return Err(Damage::BadCode);
        }
        k += 1;
    }
    if k > 64 { Err(Damage::BadCode) } else { Ok(()) }
}
