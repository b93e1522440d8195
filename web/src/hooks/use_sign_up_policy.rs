//! The server's sign-up policy (`auth.registration`) and, for an invitation link, what the
//! invitation is for; `None` until the server answered.

use multitok_proto::v1 as pb;
use yew::prelude::*;

use super::use_session;

#[hook]
pub fn use_sign_up_policy(invitation: String) -> Option<pb::GetSignUpPolicyResponse> {
    let session = use_session();
    let policy = use_state(|| None::<pb::GetSignUpPolicyResponse>);
    {
        let (api, policy) = (session.api.clone(), policy.clone());
        use_effect_with(invitation, move |invitation| {
            let request = pb::GetSignUpPolicyRequest {
                invitation: invitation.clone(),
            };
            wasm_bindgen_futures::spawn_local(async move {
                // Unknown (an old server, a network failure): behave as open, the server decides.
                let answer = api
                    .send(request)
                    .await
                    .unwrap_or(pb::GetSignUpPolicyResponse {
                        registration: pb::Registration::Open as i32,
                        invitation: None,
                    });
                policy.set(Some(answer));
            });
        });
    }
    (*policy).clone()
}
