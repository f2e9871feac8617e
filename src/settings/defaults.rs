//! Django's `global_settings` defaults: the value a setting has when no settings module assigns it.
//!
//! Generated from `django/conf/global_settings.py` of Django 5.2.19 and 6.0.10 (each name's `repr()`),
//! evaluated on demand by the settings evaluator. Regenerate when a new Django version changes a default.

/// The Django version whose defaults apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum DjangoVersion {
    /// Django 5.2 (the default).
    #[default]
    V5_2,
    /// Django 6.0 and later 6.x (adds `SECURE_CSP`).
    V6_0,
}

/// Defaults shared by every supported version: (name, Python literal).
pub const COMMON: &[(&str, &str)] = &[
    ("ABSOLUTE_URL_OVERRIDES", r#"{}"#),
    ("ADMINS", r#"[]"#),
    ("ALLOWED_HOSTS", r#"[]"#),
    ("APPEND_SLASH", r#"True"#),
    ("AUTHENTICATION_BACKENDS", r#"['django.contrib.auth.backends.ModelBackend']"#),
    ("AUTH_PASSWORD_VALIDATORS", r#"[]"#),
    ("AUTH_USER_MODEL", r#"'auth.User'"#),
    ("CACHES", r#"{'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}}"#),
    ("CACHE_MIDDLEWARE_ALIAS", r#"'default'"#),
    ("CACHE_MIDDLEWARE_KEY_PREFIX", r#"''"#),
    ("CACHE_MIDDLEWARE_SECONDS", r#"600"#),
    ("CSRF_COOKIE_AGE", r#"31449600"#),
    ("CSRF_COOKIE_DOMAIN", r#"None"#),
    ("CSRF_COOKIE_HTTPONLY", r#"False"#),
    ("CSRF_COOKIE_NAME", r#"'csrftoken'"#),
    ("CSRF_COOKIE_PATH", r#"'/'"#),
    ("CSRF_COOKIE_SAMESITE", r#"'Lax'"#),
    ("CSRF_COOKIE_SECURE", r#"False"#),
    ("CSRF_FAILURE_VIEW", r#"'django.views.csrf.csrf_failure'"#),
    ("CSRF_HEADER_NAME", r#"'HTTP_X_CSRFTOKEN'"#),
    ("CSRF_TRUSTED_ORIGINS", r#"[]"#),
    ("CSRF_USE_SESSIONS", r#"False"#),
    ("DATABASES", r#"{}"#),
    ("DATABASE_ROUTERS", r#"[]"#),
    ("DATA_UPLOAD_MAX_MEMORY_SIZE", r#"2621440"#),
    ("DATA_UPLOAD_MAX_NUMBER_FIELDS", r#"1000"#),
    ("DATA_UPLOAD_MAX_NUMBER_FILES", r#"100"#),
    ("DATETIME_FORMAT", r#"'N j, Y, P'"#),
    (
        "DATETIME_INPUT_FORMATS",
        r#"['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H:%M', '%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M:%S.%f', '%m/%d/%Y %H:%M', '%m/%d/%y %H:%M:%S', '%m/%d/%y %H:%M:%S.%f', '%m/%d/%y %H:%M']"#,
    ),
    ("DATE_FORMAT", r#"'N j, Y'"#),
    (
        "DATE_INPUT_FORMATS",
        r#"['%Y-%m-%d', '%m/%d/%Y', '%m/%d/%y', '%b %d %Y', '%b %d, %Y', '%d %b %Y', '%d %b, %Y', '%B %d %Y', '%B %d, %Y', '%d %B %Y', '%d %B, %Y']"#,
    ),
    ("DEBUG", r#"False"#),
    ("DEBUG_PROPAGATE_EXCEPTIONS", r#"False"#),
    ("DECIMAL_SEPARATOR", r#"'.'"#),
    ("DEFAULT_CHARSET", r#"'utf-8'"#),
    ("DEFAULT_EXCEPTION_REPORTER", r#"'django.views.debug.ExceptionReporter'"#),
    ("DEFAULT_EXCEPTION_REPORTER_FILTER", r#"'django.views.debug.SafeExceptionReporterFilter'"#),
    ("DEFAULT_FROM_EMAIL", r#"'webmaster@localhost'"#),
    ("DEFAULT_INDEX_TABLESPACE", r#"''"#),
    ("DEFAULT_TABLESPACE", r#"''"#),
    ("DISALLOWED_USER_AGENTS", r#"[]"#),
    ("EMAIL_BACKEND", r#"'django.core.mail.backends.smtp.EmailBackend'"#),
    ("EMAIL_HOST", r#"'localhost'"#),
    ("EMAIL_HOST_PASSWORD", r#"''"#),
    ("EMAIL_HOST_USER", r#"''"#),
    ("EMAIL_PORT", r#"25"#),
    ("EMAIL_SSL_CERTFILE", r#"None"#),
    ("EMAIL_SSL_KEYFILE", r#"None"#),
    ("EMAIL_SUBJECT_PREFIX", r#"'[Django] '"#),
    ("EMAIL_TIMEOUT", r#"None"#),
    ("EMAIL_USE_LOCALTIME", r#"False"#),
    ("EMAIL_USE_SSL", r#"False"#),
    ("EMAIL_USE_TLS", r#"False"#),
    ("FILE_UPLOAD_DIRECTORY_PERMISSIONS", r#"None"#),
    (
        "FILE_UPLOAD_HANDLERS",
        r#"['django.core.files.uploadhandler.MemoryFileUploadHandler', 'django.core.files.uploadhandler.TemporaryFileUploadHandler']"#,
    ),
    ("FILE_UPLOAD_MAX_MEMORY_SIZE", r#"2621440"#),
    ("FILE_UPLOAD_PERMISSIONS", r#"420"#),
    ("FILE_UPLOAD_TEMP_DIR", r#"None"#),
    ("FIRST_DAY_OF_WEEK", r#"0"#),
    ("FIXTURE_DIRS", r#"[]"#),
    ("FORCE_SCRIPT_NAME", r#"None"#),
    ("FORMAT_MODULE_PATH", r#"None"#),
    ("FORM_RENDERER", r#"'django.forms.renderers.DjangoTemplates'"#),
    ("IGNORABLE_404_URLS", r#"[]"#),
    ("INSTALLED_APPS", r#"[]"#),
    ("INTERNAL_IPS", r#"[]"#),
    ("LANGUAGES_BIDI", r#"['he', 'ar', 'ar-dz', 'ckb', 'fa', 'ug', 'ur']"#),
    ("LANGUAGE_CODE", r#"'en-us'"#),
    ("LANGUAGE_COOKIE_AGE", r#"None"#),
    ("LANGUAGE_COOKIE_DOMAIN", r#"None"#),
    ("LANGUAGE_COOKIE_HTTPONLY", r#"False"#),
    ("LANGUAGE_COOKIE_NAME", r#"'django_language'"#),
    ("LANGUAGE_COOKIE_PATH", r#"'/'"#),
    ("LANGUAGE_COOKIE_SAMESITE", r#"None"#),
    ("LANGUAGE_COOKIE_SECURE", r#"False"#),
    ("LOCALE_PATHS", r#"[]"#),
    ("LOGGING", r#"{}"#),
    ("LOGGING_CONFIG", r#"'logging.config.dictConfig'"#),
    ("LOGIN_REDIRECT_URL", r#"'/accounts/profile/'"#),
    ("LOGIN_URL", r#"'/accounts/login/'"#),
    ("LOGOUT_REDIRECT_URL", r#"None"#),
    ("MANAGERS", r#"[]"#),
    ("MEDIA_ROOT", r#"''"#),
    ("MEDIA_URL", r#"''"#),
    ("MESSAGE_STORAGE", r#"'django.contrib.messages.storage.fallback.FallbackStorage'"#),
    ("MIDDLEWARE", r#"[]"#),
    ("MIGRATION_MODULES", r#"{}"#),
    ("MONTH_DAY_FORMAT", r#"'F j'"#),
    ("NUMBER_GROUPING", r#"0"#),
    (
        "PASSWORD_HASHERS",
        r#"['django.contrib.auth.hashers.PBKDF2PasswordHasher', 'django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher', 'django.contrib.auth.hashers.Argon2PasswordHasher', 'django.contrib.auth.hashers.BCryptSHA256PasswordHasher', 'django.contrib.auth.hashers.ScryptPasswordHasher']"#,
    ),
    ("PASSWORD_RESET_TIMEOUT", r#"259200"#),
    ("PREPEND_WWW", r#"False"#),
    ("SECRET_KEY", r#"''"#),
    ("SECRET_KEY_FALLBACKS", r#"[]"#),
    ("SECURE_CONTENT_TYPE_NOSNIFF", r#"True"#),
    ("SECURE_CROSS_ORIGIN_OPENER_POLICY", r#"'same-origin'"#),
    ("SECURE_HSTS_INCLUDE_SUBDOMAINS", r#"False"#),
    ("SECURE_HSTS_PRELOAD", r#"False"#),
    ("SECURE_HSTS_SECONDS", r#"0"#),
    ("SECURE_PROXY_SSL_HEADER", r#"None"#),
    ("SECURE_REDIRECT_EXEMPT", r#"[]"#),
    ("SECURE_REFERRER_POLICY", r#"'same-origin'"#),
    ("SECURE_SSL_HOST", r#"None"#),
    ("SECURE_SSL_REDIRECT", r#"False"#),
    ("SERVER_EMAIL", r#"'root@localhost'"#),
    ("SESSION_CACHE_ALIAS", r#"'default'"#),
    ("SESSION_COOKIE_AGE", r#"1209600"#),
    ("SESSION_COOKIE_DOMAIN", r#"None"#),
    ("SESSION_COOKIE_HTTPONLY", r#"True"#),
    ("SESSION_COOKIE_NAME", r#"'sessionid'"#),
    ("SESSION_COOKIE_PATH", r#"'/'"#),
    ("SESSION_COOKIE_SAMESITE", r#"'Lax'"#),
    ("SESSION_COOKIE_SECURE", r#"False"#),
    ("SESSION_ENGINE", r#"'django.contrib.sessions.backends.db'"#),
    ("SESSION_EXPIRE_AT_BROWSER_CLOSE", r#"False"#),
    ("SESSION_FILE_PATH", r#"None"#),
    ("SESSION_SAVE_EVERY_REQUEST", r#"False"#),
    ("SESSION_SERIALIZER", r#"'django.contrib.sessions.serializers.JSONSerializer'"#),
    ("SHORT_DATETIME_FORMAT", r#"'m/d/Y P'"#),
    ("SHORT_DATE_FORMAT", r#"'m/d/Y'"#),
    ("SIGNED_COOKIE_LEGACY_SALT_FALLBACK", r#"True"#),
    ("SIGNING_BACKEND", r#"'django.core.signing.TimestampSigner'"#),
    ("SILENCED_SYSTEM_CHECKS", r#"[]"#),
    ("STATICFILES_DIRS", r#"[]"#),
    (
        "STATICFILES_FINDERS",
        r#"['django.contrib.staticfiles.finders.FileSystemFinder', 'django.contrib.staticfiles.finders.AppDirectoriesFinder']"#,
    ),
    ("STATIC_ROOT", r#"None"#),
    ("STATIC_URL", r#"None"#),
    (
        "STORAGES",
        r#"{'default': {'BACKEND': 'django.core.files.storage.FileSystemStorage'}, 'staticfiles': {'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}}"#,
    ),
    ("TEMPLATES", r#"[]"#),
    ("TEST_NON_SERIALIZED_APPS", r#"[]"#),
    ("TEST_RUNNER", r#"'django.test.runner.DiscoverRunner'"#),
    ("THOUSAND_SEPARATOR", r#"','"#),
    ("TIME_FORMAT", r#"'P'"#),
    ("TIME_INPUT_FORMATS", r#"['%H:%M:%S', '%H:%M:%S.%f', '%H:%M']"#),
    ("TIME_ZONE", r#"'America/Chicago'"#),
    ("USE_I18N", r#"True"#),
    ("USE_THOUSAND_SEPARATOR", r#"False"#),
    ("USE_TZ", r#"True"#),
    ("USE_X_FORWARDED_HOST", r#"False"#),
    ("USE_X_FORWARDED_PORT", r#"False"#),
    ("WSGI_APPLICATION", r#"None"#),
    ("X_FRAME_OPTIONS", r#"'DENY'"#),
    ("YEAR_MONTH_FORMAT", r#"'F Y'"#),
];

/// Defaults of Django 5.2 that 6.0 changed or removed.
pub const ONLY_5_2: &[(&str, &str)] = &[
    ("DEFAULT_AUTO_FIELD", r#"'django.db.models.AutoField'"#),
    ("FORMS_URLFIELD_ASSUME_HTTPS", r#"False"#),
    (
        "LANGUAGES",
        r#"[('af', 'Afrikaans'), ('ar', 'Arabic'), ('ar-dz', 'Algerian Arabic'), ('ast', 'Asturian'), ('az', 'Azerbaijani'), ('bg', 'Bulgarian'), ('be', 'Belarusian'), ('bn', 'Bengali'), ('br', 'Breton'), ('bs', 'Bosnian'), ('ca', 'Catalan'), ('ckb', 'Central Kurdish (Sorani)'), ('cs', 'Czech'), ('cy', 'Welsh'), ('da', 'Danish'), ('de', 'German'), ('dsb', 'Lower Sorbian'), ('el', 'Greek'), ('en', 'English'), ('en-au', 'Australian English'), ('en-gb', 'British English'), ('eo', 'Esperanto'), ('es', 'Spanish'), ('es-ar', 'Argentinian Spanish'), ('es-co', 'Colombian Spanish'), ('es-mx', 'Mexican Spanish'), ('es-ni', 'Nicaraguan Spanish'), ('es-ve', 'Venezuelan Spanish'), ('et', 'Estonian'), ('eu', 'Basque'), ('fa', 'Persian'), ('fi', 'Finnish'), ('fr', 'French'), ('fy', 'Frisian'), ('ga', 'Irish'), ('gd', 'Scottish Gaelic'), ('gl', 'Galician'), ('he', 'Hebrew'), ('hi', 'Hindi'), ('hr', 'Croatian'), ('hsb', 'Upper Sorbian'), ('hu', 'Hungarian'), ('hy', 'Armenian'), ('ia', 'Interlingua'), ('id', 'Indonesian'), ('ig', 'Igbo'), ('io', 'Ido'), ('is', 'Icelandic'), ('it', 'Italian'), ('ja', 'Japanese'), ('ka', 'Georgian'), ('kab', 'Kabyle'), ('kk', 'Kazakh'), ('km', 'Khmer'), ('kn', 'Kannada'), ('ko', 'Korean'), ('ky', 'Kyrgyz'), ('lb', 'Luxembourgish'), ('lt', 'Lithuanian'), ('lv', 'Latvian'), ('mk', 'Macedonian'), ('ml', 'Malayalam'), ('mn', 'Mongolian'), ('mr', 'Marathi'), ('ms', 'Malay'), ('my', 'Burmese'), ('nb', 'Norwegian Bokmål'), ('ne', 'Nepali'), ('nl', 'Dutch'), ('nn', 'Norwegian Nynorsk'), ('os', 'Ossetic'), ('pa', 'Punjabi'), ('pl', 'Polish'), ('pt', 'Portuguese'), ('pt-br', 'Brazilian Portuguese'), ('ro', 'Romanian'), ('ru', 'Russian'), ('sk', 'Slovak'), ('sl', 'Slovenian'), ('sq', 'Albanian'), ('sr', 'Serbian'), ('sr-latn', 'Serbian Latin'), ('sv', 'Swedish'), ('sw', 'Swahili'), ('ta', 'Tamil'), ('te', 'Telugu'), ('tg', 'Tajik'), ('th', 'Thai'), ('tk', 'Turkmen'), ('tr', 'Turkish'), ('tt', 'Tatar'), ('udm', 'Udmurt'), ('ug', 'Uyghur'), ('uk', 'Ukrainian'), ('ur', 'Urdu'), ('uz', 'Uzbek'), ('vi', 'Vietnamese'), ('zh-hans', 'Simplified Chinese'), ('zh-hant', 'Traditional Chinese')]"#,
    ),
];

/// Defaults of Django 6.0 that 5.2 lacks or has otherwise.
pub const ONLY_6_0: &[(&str, &str)] = &[
    ("DEFAULT_AUTO_FIELD", r#"'django.db.models.BigAutoField'"#),
    (
        "LANGUAGES",
        r#"[('af', 'Afrikaans'), ('ar', 'Arabic'), ('ar-dz', 'Algerian Arabic'), ('ast', 'Asturian'), ('az', 'Azerbaijani'), ('bg', 'Bulgarian'), ('be', 'Belarusian'), ('bn', 'Bengali'), ('br', 'Breton'), ('bs', 'Bosnian'), ('ca', 'Catalan'), ('ckb', 'Central Kurdish (Sorani)'), ('cs', 'Czech'), ('cy', 'Welsh'), ('da', 'Danish'), ('de', 'German'), ('dsb', 'Lower Sorbian'), ('el', 'Greek'), ('en', 'English'), ('en-au', 'Australian English'), ('en-gb', 'British English'), ('eo', 'Esperanto'), ('es', 'Spanish'), ('es-ar', 'Argentinian Spanish'), ('es-co', 'Colombian Spanish'), ('es-mx', 'Mexican Spanish'), ('es-ni', 'Nicaraguan Spanish'), ('es-ve', 'Venezuelan Spanish'), ('et', 'Estonian'), ('eu', 'Basque'), ('fa', 'Persian'), ('fi', 'Finnish'), ('fr', 'French'), ('fy', 'Frisian'), ('ga', 'Irish'), ('gd', 'Scottish Gaelic'), ('gl', 'Galician'), ('he', 'Hebrew'), ('hi', 'Hindi'), ('hr', 'Croatian'), ('hsb', 'Upper Sorbian'), ('ht', 'Haitian Creole'), ('hu', 'Hungarian'), ('hy', 'Armenian'), ('ia', 'Interlingua'), ('id', 'Indonesian'), ('ig', 'Igbo'), ('io', 'Ido'), ('is', 'Icelandic'), ('it', 'Italian'), ('ja', 'Japanese'), ('ka', 'Georgian'), ('kab', 'Kabyle'), ('kk', 'Kazakh'), ('km', 'Khmer'), ('kn', 'Kannada'), ('ko', 'Korean'), ('ky', 'Kyrgyz'), ('lb', 'Luxembourgish'), ('lt', 'Lithuanian'), ('lv', 'Latvian'), ('mk', 'Macedonian'), ('ml', 'Malayalam'), ('mn', 'Mongolian'), ('mr', 'Marathi'), ('ms', 'Malay'), ('my', 'Burmese'), ('nb', 'Norwegian Bokmål'), ('ne', 'Nepali'), ('nl', 'Dutch'), ('nn', 'Norwegian Nynorsk'), ('os', 'Ossetic'), ('pa', 'Punjabi'), ('pl', 'Polish'), ('pt', 'Portuguese'), ('pt-br', 'Brazilian Portuguese'), ('ro', 'Romanian'), ('ru', 'Russian'), ('sk', 'Slovak'), ('sl', 'Slovenian'), ('sq', 'Albanian'), ('sr', 'Serbian'), ('sr-latn', 'Serbian Latin'), ('sv', 'Swedish'), ('sw', 'Swahili'), ('ta', 'Tamil'), ('te', 'Telugu'), ('tg', 'Tajik'), ('th', 'Thai'), ('tk', 'Turkmen'), ('tr', 'Turkish'), ('tt', 'Tatar'), ('udm', 'Udmurt'), ('ug', 'Uyghur'), ('uk', 'Ukrainian'), ('ur', 'Urdu'), ('uz', 'Uzbek'), ('vi', 'Vietnamese'), ('zh-hans', 'Simplified Chinese'), ('zh-hant', 'Traditional Chinese')]"#,
    ),
    ("SECURE_CSP", r#"{}"#),
    ("SECURE_CSP_REPORT_ONLY", r#"{}"#),
    ("TASKS", r#"{'default': {'BACKEND': 'django.tasks.backends.immediate.ImmediateBackend'}}"#),
    ("URLIZE_ASSUME_HTTPS", r#"False"#),
];

/// The Python literal of `name`'s default under `version`.
pub fn literal(version: DjangoVersion, name: &str) -> Option<&'static str> {
    let extra = match version {
        DjangoVersion::V5_2 => ONLY_5_2,
        DjangoVersion::V6_0 => ONLY_6_0,
    };
    let find = |table: &[(&'static str, &'static str)]| table.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    find(extra).or_else(|| find(COMMON))
}

/// Every setting name with a default under `version`.
pub fn names(version: DjangoVersion) -> impl Iterator<Item = &'static str> {
    let extra = match version {
        DjangoVersion::V5_2 => ONLY_5_2,
        DjangoVersion::V6_0 => ONLY_6_0,
    };
    COMMON.iter().chain(extra.iter()).map(|(k, _)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_defaults_are_djangos() {
        let v = DjangoVersion::V5_2;
        assert_eq!(literal(v, "DEBUG"), Some("False"));
        assert_eq!(literal(v, "SESSION_COOKIE_SECURE"), Some("False"));
        assert_eq!(literal(v, "SESSION_COOKIE_HTTPONLY"), Some("True"));
        assert_eq!(literal(v, "SECURE_HSTS_SECONDS"), Some("0"));
        assert_eq!(literal(v, "SECURE_REFERRER_POLICY"), Some("'same-origin'"));
        assert_eq!(literal(v, "X_FRAME_OPTIONS"), Some("'DENY'"));
        assert_eq!(literal(v, "ALLOWED_HOSTS"), Some("[]"));
        assert_eq!(literal(v, "SECURE_CSP"), None);
        assert_eq!(literal(DjangoVersion::V6_0, "SECURE_CSP"), Some("{}"));
        assert_eq!(literal(DjangoVersion::V6_0, "FORMS_URLFIELD_ASSUME_HTTPS"), None);
        assert_eq!(literal(v, "DEFAULT_AUTO_FIELD"), Some("'django.db.models.AutoField'"));
        assert_eq!(literal(DjangoVersion::V6_0, "DEFAULT_AUTO_FIELD"), Some("'django.db.models.BigAutoField'"));
        assert_eq!(names(v).count(), 146);
        assert_eq!(names(DjangoVersion::V6_0).count(), 149);
    }
}
