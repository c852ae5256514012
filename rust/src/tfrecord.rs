//! Reading ids out of TFRecord files without TensorFlow: the record framing (length,
//! masked CRC-32C of the length, payload, masked CRC-32C of the payload; both checksums
//! verified as TensorFlow's reader does) and just enough protobuf to read one bytes
//! feature of a `tf.train.Example` (`features.feature[name].bytes_list.value[0]`).

const CASTAGNOLI_REFLECTED: u32 = 0x82f6_3b78;

fn crc32c_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    for (i, slot) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 == 1 {
                (c >> 1) ^ CASTAGNOLI_REFLECTED
            } else {
                c >> 1
            };
        }
        *slot = c;
    }
    table
}

pub fn crc32c(data: &[u8]) -> u32 {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(crc32c_table);
    !data.iter().fold(!0u32, |c, &b| {
        table[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8)
    })
}

/// TFRecord's masked CRC: rotate right by 15 and add a constant.
pub fn masked_crc32c(data: &[u8]) -> u32 {
    crc32c(data).rotate_right(15).wrapping_add(0xa282_ead8)
}

/// The payloads of every record of a TFRecord file.
pub fn records(bytes: &[u8]) -> Result<Vec<&[u8]>, String> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < bytes.len() {
        let header = bytes
            .get(pos..pos + 12)
            .ok_or("truncated TFRecord header")?;
        let len_bytes = &header[..8];
        let len = u64::from_le_bytes(len_bytes.try_into().unwrap()) as usize;
        if u32::from_le_bytes(header[8..12].try_into().unwrap()) != masked_crc32c(len_bytes) {
            return Err(format!(
                "corrupted TFRecord: bad length checksum at byte {pos}"
            ));
        }
        let start = pos + 12;
        let end = start.checked_add(len).ok_or("TFRecord length overflows")?;
        let data = bytes.get(start..end).ok_or("truncated TFRecord payload")?;
        let crc = bytes
            .get(end..end + 4)
            .ok_or("truncated TFRecord payload checksum")?;
        if u32::from_le_bytes(crc.try_into().unwrap()) != masked_crc32c(data) {
            return Err(format!(
                "corrupted TFRecord: bad payload checksum at byte {pos}"
            ));
        }
        out.push(data);
        pos = end + 4;
    }
    Ok(out)
}

fn varint(buf: &[u8], pos: &mut usize) -> Result<u64, String> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *buf.get(*pos).ok_or("truncated protobuf varint")?;
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err("protobuf varint too long".into())
}

/// The (field number, payload) of each length-delimited field of a message; other wire
/// types are skipped.
fn len_fields(buf: &[u8]) -> Result<Vec<(u64, &[u8])>, String> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        let key = varint(buf, &mut pos)?;
        match key & 7 {
            0 => {
                varint(buf, &mut pos)?;
            }
            1 => pos += 8,
            5 => pos += 4,
            2 => {
                let len = varint(buf, &mut pos)? as usize;
                let end = pos
                    .checked_add(len)
                    .filter(|&e| e <= buf.len())
                    .ok_or("truncated protobuf field")?;
                out.push((key >> 3, &buf[pos..end]));
                pos = end;
            }
            w => return Err(format!("unsupported protobuf wire type {w}")),
        }
        if pos > buf.len() {
            return Err("truncated protobuf field".into());
        }
    }
    Ok(out)
}

/// `Example.features.feature[name].bytes_list.value[0]` as UTF-8 text.
pub fn example_bytes_feature(example: &[u8], name: &str) -> Result<String, String> {
    let mut found: Option<&[u8]> = None;
    for (num, features) in len_fields(example)? {
        if num != 1 {
            continue;
        }
        for (num, entry) in len_fields(features)? {
            if num != 1 {
                continue;
            }
            let fields = len_fields(entry)?;
            let key = fields
                .iter()
                .find(|(n, _)| *n == 1)
                .map(|(_, k)| *k)
                .unwrap_or(b"");
            if key == name.as_bytes() {
                // protobuf map semantics: the last entry for a key wins
                found = Some(
                    fields
                        .iter()
                        .find(|(n, _)| *n == 2)
                        .map(|(_, v)| *v)
                        .unwrap_or(b""),
                );
            }
        }
    }
    let feature = found.ok_or_else(|| format!("the example has no feature {name:?}"))?;
    let bytes_list = len_fields(feature)?
        .into_iter()
        .filter(|(n, _)| *n == 1)
        .map(|(_, v)| v)
        .next_back();
    let first = bytes_list
        .map(len_fields)
        .transpose()?
        .and_then(|values| values.into_iter().find(|(n, _)| *n == 1).map(|(_, v)| v))
        .ok_or_else(|| format!("feature {name:?} holds no bytes value"))?;
    String::from_utf8(first.to_vec()).map_err(|_| format!("feature {name:?} is not UTF-8 text"))
}

/// The `name` feature of every record of a TFRecord file, in file order.
pub fn ids(bytes: &[u8], name: &str) -> Result<Vec<String>, String> {
    records(bytes)?
        .into_iter()
        .map(|r| example_bytes_feature(r, name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(num: u64, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![((num << 3) | 2) as u8, payload.len() as u8];
        out.extend_from_slice(payload);
        out
    }

    fn example(pairs: &[(&str, &[u8])]) -> Vec<u8> {
        let mut features = Vec::new();
        for (k, v) in pairs {
            let feature = field(1, &field(1, v)); // bytes_list { value: v }
            let mut entry = field(1, k.as_bytes());
            entry.extend(field(2, &feature));
            features.extend(field(1, &entry));
        }
        field(1, &features)
    }

    fn record(data: &[u8]) -> Vec<u8> {
        let len = (data.len() as u64).to_le_bytes();
        let mut out = len.to_vec();
        out.extend(masked_crc32c(&len).to_le_bytes());
        out.extend_from_slice(data);
        out.extend(masked_crc32c(data).to_le_bytes());
        out
    }

    #[test]
    fn crc32c_check_value() {
        assert_eq!(crc32c(b"123456789"), 0xe306_9283);
    }

    #[test]
    fn reads_ids_and_checks_crcs() {
        let mut file = record(&example(&[("target", b"\x01"), ("image_name", b"ISIC_1")]));
        file.extend(record(&example(&[("image_name", b"ISIC_2")])));
        assert_eq!(ids(&file, "image_name").unwrap(), vec!["ISIC_1", "ISIC_2"]);
        assert!(ids(&file, "patient").is_err());
        let mut bad = file.clone();
        bad[14] ^= 1;
        assert!(ids(&bad, "image_name").is_err());
        assert!(ids(&file[..file.len() - 1], "image_name").is_err());
    }
}
