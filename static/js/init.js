// PRAP Tracker – initialise GOV.UK Frontend components.
//
// Load from every page as an external ES module (no inline scripts: CSP):
//   <script type="module" src="{% static 'js/init.js' %}"></script>
//
// GOV.UK Frontend v5 only styles and initialises its JavaScript-enhanced
// components when <body> has the `govuk-frontend-supported` class. Its
// page template adds that class with an inline script, which our Content
// Security Policy forbids, so we add it here instead. Any browser that runs
// this module supports ES modules, which is exactly GOV.UK Frontend's
// "supported" test ('noModule' in HTMLScriptElement.prototype).
//
// Keep the import path relative: Django's ManifestStaticFilesStorage only
// rewrites JS import paths to hashed names when
// `support_js_module_import_aggregation = True`; either way the relative
// path resolves (to the hashed or the unhashed copy of the bundle).
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
