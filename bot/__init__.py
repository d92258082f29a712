"""The Telegram layer of speech-quotes: it asks `index` and renders what it returns."""
