//! How an account likes the page: kept with the account, as the JSON the
//! web client reads, so every browser it signs in from agrees.

use natter_shared::api::Preferences;

use crate::accounts::{Accounts, AuthError};
use crate::store::accounts::UserId;

/// The preferences stored for an account. Stored JSON that no longer reads
/// (a setting removed since, say) is every default, not an error: nothing
/// about it is worth refusing a sign-in for.
pub(crate) fn read(stored: &str) -> Preferences {
    serde_json::from_str(stored).unwrap_or_default()
}

impl Accounts {
    /// Keeps `user`'s preferences; returns them as stored.
    pub(crate) async fn set_preferences(
        &self,
        user: UserId,
        preferences: Preferences,
    ) -> Result<Preferences, AuthError> {
        // Plain data of known fields: serializing it cannot fail.
        let json = serde_json::to_string(&preferences).expect("preferences serialize");
        self.store.set_preferences(user, &json).await?;
        Ok(preferences)
    }
}

#[cfg(test)]
mod tests {
    use natter_shared::api::{MessageOrder, Theme};

    use super::*;

    #[test]
    fn stored_preferences_read_leniently() {
        assert_eq!(read("{}"), Preferences::default());
        assert_eq!(read("not json"), Preferences::default());
        assert_eq!(
            read(r#"{"theme":"dark","order":"newest_last","old":1}"#),
            Preferences {
                theme: Theme::Dark,
                order: MessageOrder::NewestLast
            }
        );
    }
}
