//! PNG pixels as 8-bit gray levels exactly as Pillow's `Image.open(path).convert("L")` gives
//! them (a preparation turns cleaned document images into per-pixel answers):
//! - gray: the value itself (1/2/4-bit depths scaled to 0..255, 16-bit clipped at 255 as
//!   Pillow's `I;16` to `L` does);
//! - gray+alpha: the gray channel;
//! - RGB(A) and palette: ITU-R 601-2 luma in Pillow's fixed point,
//!   `(19595 R + 38470 G + 7471 B + 0x8000) >> 16` (16-bit channels keep their high byte).

use png::{BitDepth, ColorType, Decoder, Transformations};

/// A decoded image: `height` rows of `width` gray levels, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct GrayImage {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 19595 + u32::from(g) * 38470 + u32::from(b) * 7471 + 0x8000) >> 16) as u8
}

pub fn png_to_gray(bytes: &[u8]) -> Result<GrayImage, String> {
    let probe = Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .map_err(|e| format!("not a PNG: {e}"))?;
    let (color, depth) = (probe.info().color_type, probe.info().bit_depth);
    let gray16 = color == ColorType::Grayscale && depth == BitDepth::Sixteen;
    let mut decoder = Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(if gray16 {
        Transformations::IDENTITY
    } else {
        Transformations::EXPAND | Transformations::STRIP_16
    });
    let mut reader = decoder.read_info().map_err(|e| format!("not a PNG: {e}"))?;
    let mut buf = vec![0u8; reader.output_buffer_size()];
    let frame = reader
        .next_frame(&mut buf)
        .map_err(|e| format!("corrupt PNG: {e}"))?;
    let data = &buf[..frame.buffer_size()];
    let (width, height) = (frame.width as usize, frame.height as usize);
    let stride = frame.line_size;
    let mut pixels = Vec::with_capacity(width * height);
    for row in data.chunks(stride).take(height) {
        match (frame.color_type, gray16) {
            (ColorType::Grayscale, true) => pixels.extend(
                row.chunks(2)
                    .take(width)
                    .map(|p| u16::from_be_bytes([p[0], p[1]]).min(255) as u8),
            ),
            (ColorType::Grayscale, false) => pixels.extend_from_slice(&row[..width]),
            (ColorType::GrayscaleAlpha, _) => {
                pixels.extend(row.chunks(2).take(width).map(|p| p[0]))
            }
            (ColorType::Rgb, _) => {
                pixels.extend(row.chunks(3).take(width).map(|p| luma(p[0], p[1], p[2])))
            }
            (ColorType::Rgba, _) => {
                pixels.extend(row.chunks(4).take(width).map(|p| luma(p[0], p[1], p[2])))
            }
            (ColorType::Indexed, _) => return Err("palette PNG was not expanded".into()),
        }
    }
    if pixels.len() != width * height {
        return Err("truncated PNG".into());
    }
    Ok(GrayImage {
        width,
        height,
        pixels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(color: ColorType, depth: BitDepth, w: u32, h: u32, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, w, h);
            enc.set_color(color);
            enc.set_depth(depth);
            let mut writer = enc.write_header().unwrap();
            writer.write_image_data(data).unwrap();
        }
        out
    }

    #[test]
    fn gray_and_rgb() {
        let g = png_to_gray(&encode(
            ColorType::Grayscale,
            BitDepth::Eight,
            2,
            2,
            &[0, 10, 200, 255],
        ))
        .unwrap();
        assert_eq!((g.width, g.height, g.pixels), (2, 2, vec![0, 10, 200, 255]));
        let rgb = png_to_gray(&encode(
            ColorType::Rgb,
            BitDepth::Eight,
            2,
            1,
            &[255, 0, 0, 10, 20, 30],
        ))
        .unwrap();
        // Pillow: Image.new("RGB", ...) of (255,0,0) -> 76, (10,20,30) -> 18
        assert_eq!(rgb.pixels, vec![76, 18]);
        let g16 = png_to_gray(&encode(
            ColorType::Grayscale,
            BitDepth::Sixteen,
            2,
            1,
            &[0, 7, 1, 0],
        ))
        .unwrap();
        assert_eq!(g16.pixels, vec![7, 255]);
        assert!(png_to_gray(b"not a png").is_err());
    }
}
