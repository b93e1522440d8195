//! One grpc-web call over the browser's `fetch`: the request as one frame, the answer read as a
//! stream of frames (`multitok_shared::grpc_web`). Dropping a [`Call`], or the call while it
//! waits for the answer, aborts its fetch.

use js_sys::Uint8Array;
use multitok_shared::grpc_web::{Frame, Frames, Status, code, code_for_http, frame};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, Headers, ReadableStreamDefaultReader, ReadableStreamReadResult,
    RequestCredentials, RequestInit, Response,
};

/// Aborts its fetch when dropped: while the answer's headers are awaited (a page left before
/// its stream opened), and after, while the answer is read (see [`Call`]).
struct Abort(AbortController);

impl Drop for Abort {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// An answer being read.
pub struct Call {
    reader: ReadableStreamDefaultReader,
    _abort: Abort,
    frames: Frames,
    /// The status came in the headers (an answer without trailers).
    header_status: Option<Status>,
}

fn unreachable() -> Status {
    Status::new(code::UNAVAILABLE, "server unreachable")
}

/// Sends `message` to `url` (`origin` + `/package.Service/Method`).
pub async fn open(url: &str, token: Option<&str>, message: &[u8]) -> Result<Call, Status> {
    let headers = Headers::new().map_err(|_| unreachable())?;
    let mut pairs = vec![
        ("content-type", "application/grpc-web+proto".to_owned()),
        ("accept", "application/grpc-web+proto".to_owned()),
        ("x-grpc-web", "1".to_owned()),
    ];
    if let Some(token) = token {
        pairs.push(("authorization", format!("Bearer {token}")));
    }
    for (name, value) in pairs {
        headers.set(name, &value).map_err(|_| unreachable())?;
    }
    let abort = Abort(AbortController::new().map_err(|_| unreachable())?);
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&Uint8Array::from(frame(message).as_slice()));
    init.set_credentials(RequestCredentials::SameOrigin);
    init.set_signal(Some(&abort.0.signal()));
    let window = web_sys::window().ok_or_else(unreachable)?;
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|_| unreachable())?
        .unchecked_into();
    let answer_headers = response.headers();
    let header_status = Status::from_fields(|name| answer_headers.get(name).ok().flatten());
    if let Some(status) = header_status.as_ref().filter(|s| !s.is_ok()) {
        return Err(status.clone());
    }
    if response.status() != 200 {
        let status = response.status();
        return Err(Status::new(
            code_for_http(status),
            format!("the server answered HTTP {status}"),
        ));
    }
    let body = response.body().ok_or_else(unreachable)?;
    Ok(Call {
        reader: body.get_reader().unchecked_into(),
        _abort: abort,
        frames: Frames::default(),
        header_status,
    })
}

impl Call {
    /// The next message; `None` when the answer ended well.
    pub async fn message(&mut self) -> Result<Option<Vec<u8>>, Status> {
        loop {
            match self.frames.next_frame() {
                Some(Frame::Message(message)) => return Ok(Some(message)),
                Some(Frame::Trailers(status)) if status.is_ok() => return Ok(None),
                Some(Frame::Trailers(status)) => return Err(status),
                None => {}
            }
            let read: ReadableStreamReadResult = JsFuture::from(self.reader.read())
                .await
                .map_err(|_| unreachable())?
                .unchecked_into();
            if read.get_done().unwrap_or(true) {
                return match self.header_status.take() {
                    Some(status) if !self.frames.has_partial() => {
                        if status.is_ok() {
                            Ok(None)
                        } else {
                            Err(status)
                        }
                    }
                    _ => Err(Status::new(code::UNAVAILABLE, "the answer was cut off")),
                };
            }
            self.frames
                .push(&Uint8Array::new(&read.get_value()).to_vec());
        }
    }
}
