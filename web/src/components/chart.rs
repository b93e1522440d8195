//! A line chart drawn with plotters on a canvas, sized to its container (phone width included):
//! round ticks, dates on the x axis, gaps left as gaps, an optional band (a forecast interval),
//! a legend and the values under the pointer written by the browser below it. It is drawn
//! again when its container changes size (a phone turned, a window resized), in the colours of
//! the current theme.

use multitok_shared::chart::{
    Band, PALETTE, axis_label, band_outline, compact, nearest_index, segments, ticks, value_range,
};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{HtmlCanvasElement, ResizeObserver};
use yew::prelude::*;

const HEIGHT: u32 = 260;
const MARGIN: u32 = 10;
const Y_AXIS: u32 = 52;
const X_AXIS: u32 = 26;

/// One line: its name and a value (or a gap) per label.
#[derive(Clone, PartialEq)]
pub struct Line {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

#[derive(Properties, PartialEq)]
pub struct LineChartProps {
    /// One x label per point (dates).
    pub labels: Vec<String>,
    pub lines: Vec<Line>,
    /// Low and high edges of a shaded band.
    #[prop_or_default]
    pub band: Option<Band>,
    /// Accessible description.
    pub title: AttrValue,
}

fn rgb((r, g, b): (u8, u8, u8)) -> RGBColor {
    RGBColor(r, g, b)
}

/// Background, light grid, bold grid, axis and label colours for the light or dark theme.
fn frame_colors(dark: bool) -> [RGBColor; 5] {
    if dark {
        [
            RGBColor(27, 27, 35),
            RGBColor(44, 44, 54),
            RGBColor(58, 58, 70),
            RGBColor(120, 120, 136),
            RGBColor(200, 200, 214),
        ]
    } else {
        [
            WHITE,
            RGBColor(238, 238, 238),
            RGBColor(225, 225, 225),
            RGBColor(170, 170, 170),
            RGBColor(90, 90, 90),
        ]
    }
}

fn draw(canvas: &HtmlCanvasElement, p: &LineChartProps) -> Option<()> {
    let width = canvas.client_width().max(200) as u32;
    canvas.set_width(width);
    canvas.set_height(HEIGHT);
    let root = CanvasBackend::with_canvas_object(canvas.clone())?.into_drawing_area();
    let [background, light, bold, axis, label] = frame_colors(crate::theme::is_dark());
    root.fill(&background).ok()?;
    let n = p.labels.len().max(1);
    let band_values = p.band.iter().flat_map(|(l, h)| l.iter().chain(h.iter()));
    let values = p
        .lines
        .iter()
        .flat_map(|l| l.values.iter())
        .chain(band_values)
        .flatten()
        .copied();
    let (lo, hi) = value_range(values);
    let x_max = (n.max(2) - 1) as f64;
    let mut chart = ChartBuilder::on(&root)
        .margin(MARGIN)
        .x_label_area_size(X_AXIS)
        .y_label_area_size(Y_AXIS)
        .build_cartesian_2d(0f64..x_max, lo..hi)
        .ok()?;
    let labels = &p.labels;
    let x_count = (width as usize / 110).clamp(2, 8);
    let y_ticks = ticks(lo, hi, 5);
    chart
        .configure_mesh()
        .x_labels(x_count)
        .y_labels(y_ticks.len().max(2))
        .x_label_formatter(&|x| labels.get(x.round() as usize).cloned().unwrap_or_default())
        .y_label_formatter(&|y| axis_label(*y, hi - lo))
        .light_line_style(light)
        .bold_line_style(bold)
        .axis_style(axis)
        .label_style(("sans-serif", 12).into_font().color(&label))
        .draw()
        .ok()?;
    if let Some((low, high)) = &p.band {
        let shape = band_outline(low, high);
        if shape.len() >= 3 {
            chart
                .draw_series(std::iter::once(Polygon::new(
                    shape,
                    rgb(PALETTE[0]).mix(0.15).filled(),
                )))
                .ok()?;
        }
    }
    for (i, line) in p.lines.iter().enumerate() {
        let color = rgb(PALETTE[i % PALETTE.len()]);
        for run in segments(&line.values) {
            let points: Vec<(f64, f64)> = run.iter().map(|&(x, y)| (x as f64, y)).collect();
            if points.len() == 1 {
                chart
                    .draw_series(std::iter::once(Circle::new(points[0], 3, color.filled())))
                    .ok()?;
            } else {
                chart
                    .draw_series(LineSeries::new(points, color.stroke_width(2)))
                    .ok()?;
            }
        }
    }
    root.present().ok()
}

/// What the pointer is over: the label and each line's value.
fn readout(p: &LineChartProps, i: usize) -> String {
    let mut parts = vec![p.labels.get(i).cloned().unwrap_or_default()];
    for line in &p.lines {
        let v = line.values.get(i).copied().flatten();
        parts.push(format!(
            "{}: {}",
            line.name,
            v.map_or("no data".into(), compact)
        ));
    }
    parts.join(" · ")
}

/// The canvas's width in CSS pixels, followed as its container changes size while `shown`.
#[hook]
fn use_width(canvas: &NodeRef, shown: bool) -> i32 {
    let width = use_state(|| 0);
    {
        let (canvas, width) = (canvas.clone(), width.clone());
        use_effect_with(shown, move |_| {
            let on_resize = Closure::<dyn Fn()>::new({
                let canvas = canvas.clone();
                move || {
                    if let Some(c) = canvas.cast::<HtmlCanvasElement>() {
                        width.set(c.client_width());
                    }
                }
            });
            let observer = ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(c)) = (&observer, canvas.cast::<web_sys::Element>()) {
                o.observe(&c);
            }
            move || {
                observer.iter().for_each(ResizeObserver::disconnect);
                drop(on_resize);
            }
        });
    }
    *width
}

#[function_component(LineChart)]
pub fn line_chart(props: &LineChartProps) -> Html {
    let canvas = use_node_ref();
    let hover = use_state(|| None::<usize>);
    let empty = props
        .lines
        .iter()
        .all(|l| l.values.iter().all(Option::is_none));
    let width = use_width(&canvas, !empty);
    {
        let canvas = canvas.clone();
        let snapshot = (
            props.labels.clone(),
            props.lines.clone(),
            props.band.clone(),
            width,
        );
        let title = props.title.clone();
        use_effect_with(snapshot, move |(labels, lines, band, _)| {
            if let Some(c) = canvas.cast::<HtmlCanvasElement>() {
                let p = LineChartProps {
                    labels: labels.clone(),
                    lines: lines.clone(),
                    band: band.clone(),
                    title,
                };
                draw(&c, &p);
            }
        });
    }
    if empty {
        return html! { <div class="chart-empty muted">{ "No data in this range yet." }</div> };
    }
    let onmove = {
        let (hover, n) = (hover.clone(), props.labels.len());
        Callback::from(move |e: MouseEvent| {
            let target: Option<HtmlCanvasElement> = e.target_dyn_into();
            let width = target.map_or(0, |c| c.client_width()) as f64;
            let plot = width - (MARGIN * 2 + Y_AXIS) as f64;
            let x = e.offset_x() as f64 - (MARGIN + Y_AXIS) as f64;
            hover.set(nearest_index(x, plot, n));
        })
    };
    let onleave = {
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| hover.set(None))
    };
    let legend = props.lines.iter().enumerate().map(|(i, l)| {
        let swatch = format!("swatch c{}", i % PALETTE.len());
        html! {
            <span class="legend-item">
                <span class={swatch}></span>{ &l.name }
            </span>
        }
    });
    let text = match *hover {
        Some(i) => readout(props, i),
        None => "Point at the chart to read its values.".to_owned(),
    };
    html! {
        <figure class="chart">
            <canvas ref={canvas} role="img" aria-label={props.title.clone()}
                onmousemove={onmove.clone()} onmouseleave={onleave}
                onclick={onmove} />
            <figcaption>
                <div class="legend">{ for legend }</div>
                <div class="readout muted">{ text }</div>
            </figcaption>
        </figure>
    }
}
