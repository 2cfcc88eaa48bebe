-- Identity policy from settings, and the user list's status filters at 100k users.

-- Each session keeps the idle lifetime it was created with (the settings' value at sign-in), so that the one
-- statement of every authenticated request slides its idle expiry without reading the settings.
-- Sessions from before this migration had the 24 hours that were then fixed.
ALTER TABLE sessions ADD COLUMN idle_lifetime_seconds integer NOT NULL DEFAULT 86400 CHECK (idle_lifetime_seconds > 0);

-- The users page's "Disabled" and "Admins" filters, in username order: both are a small part of all users, which a
-- walk of users_username_lower would have to filter through to fill a page.
CREATE INDEX users_disabled_username ON users (lower(username)) WHERE NOT is_active;
CREATE INDEX users_admins_username ON users (lower(username)) WHERE is_admin;
