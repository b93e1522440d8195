//! Charts as PNG images, drawn on the server with plotters into a pixel buffer (with an embedded
//! font, so no system fonts are needed) and encoded with `png`.

use multitok_proto::v1 as pb;
use multitok_shared::Violations;
use multitok_shared::chart::{axis_label, segments, value_range};
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use super::series::SeriesQuery;
use crate::error::AppError;
use crate::service::Services;
use crate::service::access::{Access, View};

static FONT: &[u8] = include_bytes!("../../../assets/DejaVuSansMono.ttf");

/// Image size bounds, pixels.
const MIN_SIDE: i32 = 200;
const MAX_SIDE: i32 = 2000;

fn font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if register_font("sans-serif", FontStyle::Normal, FONT).is_err() {
            tracing::warn!("the embedded chart font could not be loaded");
        }
    });
}

fn failed(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("drawing the chart: {e}"))
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

/// A line chart of `values` (a gap where `None`) over `labels`, as PNG bytes.
pub fn line_png(
    title: &str,
    labels: &[String],
    values: &[Option<f64>],
    (width, height): (u32, u32),
) -> Result<Vec<u8>, AppError> {
    font();
    let mut rgb = vec![255u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        let (lo, hi) = value_range(values.iter().flatten().copied());
        let x_max = (labels.len().max(2) - 1) as f64;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(14)
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
        let color = RGBColor(13, 110, 253);
        for run in segments(values) {
            let points: Vec<(f64, f64)> = run.iter().map(|&(x, y)| (x as f64, y)).collect();
            if points.len() == 1 {
                chart
                    .draw_series(std::iter::once(Circle::new(points[0], 4, color.filled())))
                    .map_err(failed)?;
            } else {
                chart
                    .draw_series(LineSeries::new(points, color.stroke_width(2)))
                    .map_err(failed)?;
            }
        }
        root.present().map_err(failed)?;
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(failed)?;
    writer.write_image_data(&rgb).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok(out)
}

impl Access<View> {
    /// The account's metric over the range as a PNG chart.
    pub async fn render_chart(
        &self,
        s: &Services,
        account_id: &str,
        q: SeriesQuery,
        size: (u32, u32),
    ) -> Result<pb::RenderChartResponse, AppError> {
        let range = q.range;
        let metric = q.metrics.first().copied();
        let answer = self.time_series(s, account_id, q).await?;
        let series = answer.series.into_iter().next().unwrap_or_default();
        let labels: Vec<String> = series.points.iter().map(|p| p.start.clone()).collect();
        let values: Vec<Option<f64>> = series
            .points
            .iter()
            .map(|p| p.value.map(|v| v as f64))
            .collect();
        let name = metric.map_or("metric", |m| m.name());
        let account = self.scope(s, account_id).await?.name_of(account_id);
        let title = format!("{account}: {name}, {} to {}", range.from, range.to);
        let png = tokio::task::spawn_blocking(move || line_png(&title, &labels, &values, size))
            .await
            .map_err(failed)??;
        Ok(pb::RenderChartResponse {
            png,
            file_name: format!("multitok-{name}-{}-{}.png", range.from, range.to),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_is_a_png_of_the_asked_size() {
        let labels: Vec<String> = (1..=5).map(|d| format!("2026-01-0{d}")).collect();
        let values = [Some(1.0), None, Some(3.0), Some(2.0), None];
        let png = line_png("Followers", &labels, &values, (640, 320)).unwrap_or_default();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // IHDR: width and height, big-endian, after the signature and the chunk header.
        assert_eq!(
            u32::from_be_bytes([png[16], png[17], png[18], png[19]]),
            640
        );
        assert_eq!(
            u32::from_be_bytes([png[20], png[21], png[22], png[23]]),
            320
        );
        let empty = line_png("Nothing", &[], &[], (200, 200)).unwrap_or_default();
        assert_eq!(&empty[..4], b"\x89PNG");
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
