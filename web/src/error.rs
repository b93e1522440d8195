//! Errors from API calls, with field violations split out for forms.

use std::collections::HashMap;

use tonic::{Code, Status};
use tonic_types::StatusExt;

/// What a failed call means for the page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ApiError {
    /// A sentence for the top of the form.
    pub message: String,
    /// Per-field messages (from `InvalidArgument` field violations).
    pub fields: HashMap<String, String>,
    pub unauthenticated: bool,
}

impl ApiError {
    /// The message for one field, if any.
    pub fn field(&self, name: &str) -> Option<String> {
        self.fields.get(name).cloned()
    }
}

impl From<Status> for ApiError {
    fn from(status: Status) -> ApiError {
        let mut fields = HashMap::new();
        if let Some(bad) = status.get_error_details().bad_request() {
            for v in &bad.field_violations {
                fields
                    .entry(v.field.clone())
                    .or_insert_with(|| v.description.clone());
            }
        }
        let message = match status.code() {
            Code::InvalidArgument if !fields.is_empty() => {
                "Please correct the highlighted fields.".to_owned()
            }
            Code::Unauthenticated if status.message().contains("wrong email or password") => {
                "Wrong email or password.".to_owned()
            }
            Code::Unauthenticated => "Your session has ended; please log in again.".to_owned(),
            Code::Unavailable | Code::Unknown => {
                "The server cannot be reached. Try again in a moment.".to_owned()
            }
            _ => capitalize(status.message()),
        };
        ApiError {
            message,
            fields,
            unauthenticated: status.code() == Code::Unauthenticated,
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>() + ".",
        None => "Something went wrong.".to_owned(),
    }
}
