//! Charts as PNG images, drawn on the server with plotters into a pixel buffer (with an embedded
//! font, so no system fonts are needed) and encoded with `png`: line charts (with a legend and an
//! optional shaded band) and the best-times heatmap.

use multitok_proto::v1 as pb;
use multitok_shared::Violations;
use multitok_shared::chart::{
    Band, PALETTE, axis_label, band_outline, heat, segments, value_range,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use multitok_core::CoreError;

static FONT: &[u8] = include_bytes!("../../../assets/DejaVuSansMono.ttf");

/// Image size bounds, pixels.
const MIN_SIDE: i32 = 200;
const MAX_SIDE: i32 = 2000;

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if register_font("sans-serif", FontStyle::Normal, FONT).is_err() {
            tracing::warn!("the embedded chart font could not be loaded");
        }
    });
}

/// A drawing or encoding failure, as an internal error.
pub fn failed(e: impl std::fmt::Display) -> CoreError {
    CoreError::Internal(anyhow::anyhow!("drawing the chart: {e}"))
}

fn rgb((r, g, b): (u8, u8, u8)) -> RGBColor {
    RGBColor(r, g, b)
}

/// Checks a requested size; 0 × 0 means 800 × 400.
pub fn size(width: i32, height: i32) -> Result<(u32, u32), Violations> {
    if width == 0 && height == 0 {
        return Ok((800, 400));
    }
    let mut v = Violations::new();
    for (field, side) in [("width", width), ("height", height)] {
        if !(MIN_SIDE..=MAX_SIDE).contains(&side) {
            v.add(
                field,
                format!("must be between {MIN_SIDE} and {MAX_SIDE} pixels"),
            );
        }
    }
    v.into_result()?;
    Ok((width as u32, height as u32))
}

/// One line: its name (shown in the legend when there are several) and a value or a gap per label.
pub struct Line {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// A chart to draw.
pub enum Drawing {
    /// Lines over `labels`, with an optional shaded band (low and high edges) under them.
    Lines {
        title: String,
        labels: Vec<String>,
        lines: Vec<Line>,
        band: Option<Band>,
    },
    /// The 7 × 24 best-times grid.
    Heatmap {
        title: String,
        grid: pb::GetBestTimesResponse,
    },
}

impl Drawing {
    /// The drawing as PNG bytes of `width` × `height` pixels.
    pub fn png(&self, (width, height): (u32, u32)) -> Result<Vec<u8>, CoreError> {
        font();
        let mut pixels = vec![255u8; width as usize * height as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
            root.fill(&WHITE).map_err(failed)?;
            match self {
                Drawing::Lines {
                    title,
                    labels,
                    lines,
                    band,
                } => draw_lines(&root, title, labels, lines, band.as_ref())?,
                Drawing::Heatmap { title, grid } => draw_heatmap(&root, title, grid)?,
            }
            root.present().map_err(failed)?;
        }
        encode(&pixels, width, height)
    }
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

fn draw_lines(
    root: &Area,
    title: &str,
    labels: &[String],
    lines: &[Line],
    band: Option<&Band>,
) -> Result<(), CoreError> {
    let (width, _) = root.dim_in_pixel();
    let mut all: Vec<f64> = lines
        .iter()
        .flat_map(|l| l.values.iter().flatten().copied())
        .collect();
    if let Some((low, high)) = band {
        all.extend(low.iter().chain(high).flatten().copied());
    }
    let (lo, hi) = value_range(all);
    let x_max = (labels.len().max(2) - 1) as f64;
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 18))
        .margin(14)
        // Room for the last date label, centred on the right edge.
        .margin_right(44)
        .x_label_area_size(30)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..x_max, lo..hi)
        .map_err(failed)?;
    chart
        .configure_mesh()
        .x_labels((width as usize / 120).clamp(2, 10))
        .y_labels(6)
        .x_label_formatter(&|x| labels.get(x.round() as usize).cloned().unwrap_or_default())
        .y_label_formatter(&|y| axis_label(*y, hi - lo))
        .light_line_style(RGBColor(238, 238, 238))
        .draw()
        .map_err(failed)?;
    if let Some((low, high)) = band {
        let shape = band_outline(low, high);
        if shape.len() >= 3 {
            let fill = rgb(PALETTE[0]).mix(0.15).filled();
            chart
                .draw_series(std::iter::once(Polygon::new(shape, fill)))
                .map_err(failed)?;
        }
    }
    for (i, line) in lines.iter().enumerate() {
        let color = rgb(PALETTE[i % PALETTE.len()]);
        for (run_index, run) in segments(&line.values).into_iter().enumerate() {
            let points: Vec<(f64, f64)> = run.iter().map(|&(x, y)| (x as f64, y)).collect();
            let drawn = if points.len() == 1 {
                chart.draw_series(std::iter::once(Circle::new(points[0], 4, color.filled())))
            } else {
                chart.draw_series(LineSeries::new(points, color.stroke_width(2)))
            }
            .map_err(failed)?;
            if run_index == 0 && lines.len() > 1 {
                drawn.label(line.name.as_str()).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2))
                });
            }
        }
    }
    if lines.len() > 1 {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(200, 200, 200))
            .label_font(("sans-serif", 13))
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(failed)?;
    }
    Ok(())
}

fn draw_heatmap(
    root: &Area,
    title: &str,
    grid: &pb::GetBestTimesResponse,
) -> Result<(), CoreError> {
    let (width, height) = root.dim_in_pixel();
    let (left, top, bottom) = (48i32, 56i32, 30i32);
    let cell_w = ((width as i32 - left - 14) / 24).max(1);
    let cell_h = ((height as i32 - top - bottom) / 7).max(1);
    let text = |size: u32| ("sans-serif", size).into_font().color(&BLACK);
    root.draw(&Text::new(title.to_owned(), (14, 10), text(18)))
        .map_err(failed)?;
    let (lo, hi) = grid
        .cells
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), c| {
            (lo.min(c.expected), hi.max(c.expected))
        });
    for h in (0..24).step_by(3) {
        let x = left + h * cell_w;
        root.draw(&Text::new(format!("{h:02}"), (x, top - 18), text(12)))
            .map_err(failed)?;
    }
    for (d, name) in DAYS.iter().enumerate() {
        let y = top + d as i32 * cell_h;
        root.draw(&Text::new(*name, (8, y + cell_h / 2 - 7), text(13)))
            .map_err(failed)?;
        for h in 0..24 {
            let value = grid
                .cells
                .get(d * 24 + h as usize)
                .map_or(f64::NAN, |c| c.expected);
            let x = left + h * cell_w;
            let corners = [(x, y), (x + cell_w - 1, y + cell_h - 1)];
            root.draw(&Rectangle::new(corners, rgb(heat(value, lo, hi)).filled()))
                .map_err(failed)?;
        }
    }
    let footer = format!("{} Times in {}.", grid.note, grid.time_zone);
    let y = top + 7 * cell_h + 8;
    root.draw(&Text::new(footer.trim().to_owned(), (left, y), text(12)))
        .map_err(failed)?;
    Ok(())
}

fn encode(pixels: &[u8], width: u32, height: u32) -> Result<Vec<u8>, CoreError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(failed)?;
    writer.write_image_data(pixels).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dimensions(png: &[u8]) -> (u32, u32) {
        // IHDR: width and height, big-endian, after the signature and the chunk header.
        let at = |i: usize| u32::from_be_bytes([png[i], png[i + 1], png[i + 2], png[i + 3]]);
        (at(16), at(20))
    }

    /// The RGB pixels of a PNG.
    fn pixels(png: &[u8]) -> Vec<u8> {
        let mut reader = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        buf
    }

    fn count_color(pixels: &[u8], (r, g, b): (u8, u8, u8)) -> usize {
        pixels
            .chunks_exact(3)
            .filter(|p| p[0] == r && p[1] == g && p[2] == b)
            .count()
    }

    fn lines(values: Vec<Vec<Option<f64>>>) -> Drawing {
        Drawing::Lines {
            title: "Followers".into(),
            labels: (1..=5).map(|d| format!("2026-01-0{d}")).collect(),
            lines: values
                .into_iter()
                .enumerate()
                .map(|(i, values)| Line {
                    name: format!("account {i}"),
                    values,
                })
                .collect(),
            band: None,
        }
    }

    #[test]
    fn a_chart_is_a_png_of_the_asked_size() {
        let chart = lines(vec![vec![Some(1.0), None, Some(3.0), Some(2.0), None]]);
        let png = chart.png((640, 320)).unwrap_or_default();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(dimensions(&png), (640, 320));
        let empty = lines(Vec::new()).png((200, 200)).unwrap_or_default();
        assert_eq!(dimensions(&empty), (200, 200));
    }

    #[test]
    fn each_line_has_its_own_color() {
        let one = pixels(&lines(vec![vec![Some(1.0); 5]]).png((400, 300)).unwrap());
        let two = pixels(
            &lines(vec![vec![Some(1.0); 5], vec![Some(2.0); 5]])
                .png((400, 300))
                .unwrap(),
        );
        assert!(count_color(&one, PALETTE[0]) > 100);
        assert_eq!(count_color(&one, PALETTE[1]), 0);
        assert!(
            count_color(&two, PALETTE[1]) > 100,
            "the second line is drawn"
        );
    }

    #[test]
    fn the_heatmap_colors_the_best_cell_deepest() {
        let cells = (0..168)
            .map(|i| pb::BestTimeCell {
                weekday: i / 24,
                hour: i % 24,
                expected: if i == 30 { 2.0 } else { 1.0 },
                samples: 1,
            })
            .collect();
        let grid = pb::GetBestTimesResponse {
            time_zone: "Europe/Berlin".into(),
            cells,
            ..Default::default()
        };
        let drawing = Drawing::Heatmap {
            title: "Best times".into(),
            grid,
        };
        let png = pixels(&drawing.png((800, 400)).unwrap());
        let deep = count_color(&png, heat(2.0, 1.0, 2.0));
        let pale = count_color(&png, heat(1.0, 1.0, 2.0));
        assert!(deep > 100, "one deep cell: {deep} pixels");
        assert!(pale > 100 * deep, "167 pale cells: {pale} pixels");
    }

    #[test]
    fn sizes_are_bounded() {
        assert_eq!(size(0, 0).ok(), Some((800, 400)));
        assert_eq!(size(300, 2000).ok(), Some((300, 2000)));
        let fields: Vec<String> = size(50, 5000)
            .err()
            .map(|v| v.0.into_iter().map(|f| f.field).collect())
            .unwrap_or_default();
        assert_eq!(fields, ["width", "height"]);
    }
}
