//! Who a `/ws` handshake is: the account of a live session, or a guest
//! (with its token, under a name nobody else holds).

use natter_shared::{looks_like_a_guest_name, name_key, validate_name};

use crate::accounts::token::{self, GuestToken, Presented};
use crate::accounts::{Accounts, AuthError, Identity, IdentityKind};
use crate::store::AuthorId;

impl Accounts {
    /// Who a WebSocket is, from the token it presented (cookie, bearer, or
    /// query) and the name it asked for. A token that is not a live session
    /// is an error, never a silent guest.
    pub(crate) async fn identify(
        &self,
        token: Option<&str>,
        requested_name: Option<&str>,
    ) -> Result<Identity, AuthError> {
        let guest = match token.map(token::parse) {
            None => token::new_guest_token(),
            Some(Some(Presented::Account(hash))) => {
                let user = self.session_user(hash).await?;
                return Ok(Identity {
                    author_id: AuthorId(user.id.0),
                    name: user.name,
                    kind: IdentityKind::Account(user.id, hash),
                });
            }
            Some(Some(Presented::Guest(guest))) => guest,
            Some(None) => return Err(AuthError::NotSignedIn),
        };
        if !self.guests_allowed() {
            return Err(AuthError::GuestsDenied);
        }
        let name = self.guest_name(&guest, requested_name).await?;
        Ok(Identity {
            author_id: guest.author_id(),
            name,
            kind: IdentityKind::Guest(guest.token),
        })
    }

    /// The name a guest shows: the one it asked for, if valid, not an
    /// account's (or a lookalike of one) and not posing as another guest;
    /// else its own `guest-XXXX`.
    async fn guest_name(
        &self,
        guest: &GuestToken,
        requested: Option<&str>,
    ) -> Result<String, AuthError> {
        let Some(requested) = requested.and_then(|name| validate_name(name).ok()) else {
            return Ok(guest.default_name());
        };
        if looks_like_a_guest_name(requested) {
            return Ok(guest.default_name());
        }
        // Removed accounts' names too: their messages still carry them.
        let taken = self.store.name_taken(&name_key(requested)).await?;
        Ok(if taken {
            guest.default_name()
        } else {
            requested.to_owned()
        })
    }
}
