"""Small reusable widgets (inputs, pickers, panels) the dialogs and tabs share."""
