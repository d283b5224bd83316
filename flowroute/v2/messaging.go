package v2

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// Callback is a number's messaging callback as the pre-release GET answers it.
type Callback struct {
	URL        string
	Product    string
	APIVersion string
}

// checkCallback checks a callback type before it goes into a path.
func checkCallback(t CallbackType) error {
	switch t {
	case SMSCallback, MMSCallback, SMSDLRCallback, MMSDLRCallback:
		return nil
	}
	return fmt.Errorf("flowroute v2: callback type %q: want sms_callback, mms_callback, sms_dlr_callback or mms_dlr_callback", t)
}

// SetCallback sets one of the number's messaging callback URLs (POST
// /numbers/{tn}/relationships/{type}, the SDKs' nested body, 204).
func (c *Client) SetCallback(ctx context.Context, tn string, t CallbackType, callbackURL string) error {
	if err := checkTN(tn); err != nil {
		return err
	}
	if err := checkCallback(t); err != nil {
		return err
	}
	if u, err := url.Parse(callbackURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("flowroute v2: callback URL %q: want an absolute http or https URL", callbackURL)
	}
	body := map[string]any{"data": map[string]any{"attributes": map[string]any{"callback_url": callbackURL}}}
	return c.send(ctx, http.MethodPost, "numbers/"+tn+"/relationships/"+string(t), nil, body)
}

// GetCallback reads one of the number's callbacks (GET /numbers/{tn}/relationships/{type}).
// This endpoint comes from a pre-release spec only (docs/flowroute-v2-api.md §5.2); a server
// without it answers 404 or 405.
func (c *Client) GetCallback(ctx context.Context, tn string, t CallbackType) (*Callback, error) {
	if err := checkTN(tn); err != nil {
		return nil, err
	}
	if err := checkCallback(t); err != nil {
		return nil, err
	}
	return getDoc(ctx, c, "numbers/"+tn+"/relationships/"+string(t), decodeCallback)
}

// RemoveCallback removes one of the number's callbacks (DELETE
// /numbers/{tn}/relationships/{type}); pre-release, like GetCallback.
func (c *Client) RemoveCallback(ctx context.Context, tn string, t CallbackType) error {
	if err := checkTN(tn); err != nil {
		return err
	}
	if err := checkCallback(t); err != nil {
		return err
	}
	return c.send(ctx, http.MethodDelete, "numbers/"+tn+"/relationships/"+string(t), nil, nil)
}
