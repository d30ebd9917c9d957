^XA
^FX dpi=203
^FX Injection probe: a hostile value in text and in a QR code, then a marker barcode that
^FX only reads back when the format was not cut short.
^FO20,20^A0N,30,30^FDRef: {{customer_ref}}^FS
^FO20,80{{qr customer_ref module=4}}
^FO20,620{{code128 order height=80}}
^XZ
