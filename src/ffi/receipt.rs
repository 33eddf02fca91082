//! Signed check receipts across the C ABI: a studio signs, the office's software verifies on
//! download. Keys are PEM text (PKCS#8 private, SPKI public), receipts COSE_Sign1 bytes.

use super::checker::{checker_of, passbild_checker};
use super::report::{passbild_check_status, passbild_report};
use super::{BytesOut, borrow, bytes_argument, guard, passbild_error, passbild_status, string_argument, write_out};
use crate::receipt::{self, ReceiptKey};

/// Signs a receipt stating that the `image_len` bytes at `image` were checked with `report` (from
/// `passbild_checker_check_bytes` on the same bytes and checker) by the photographer with the
/// pseudonym `photographer`, now, with the Ed25519 key `private_key_pem` (PKCS#8 PEM). On success
/// `*receipt_out` and `*receipt_len_out` receive the receipt (COSE_Sign1), to free with
/// `passbild_bytes_free`.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_checker_sign_receipt(
    checker: *const passbild_checker,
    report: *const passbild_report,
    image: *const u8,
    image_len: usize,
    photographer: *const std::ffi::c_char,
    private_key_pem: *const std::ffi::c_char,
    receipt_out: *mut *mut u8,
    receipt_len_out: *mut usize,
    error_out: *mut *mut passbild_error,
) -> passbild_status {
    guard(error_out, || {
        let checker = borrow(checker, "checker")?;
        let report = borrow(report, "report")?;
        let image = bytes_argument(image, image_len, "image")?;
        let photographer = string_argument(photographer, "photographer")?;
        let key = ReceiptKey::from_pkcs8_pem(string_argument(private_key_pem, "private_key_pem")?)
            .map_err(crate::Error::from)?;
        let signed = checker_of(checker).sign_receipt(image, report.report(), photographer, &key)?;
        BytesOut { bytes: (receipt_out, "receipt_out"), len: (receipt_len_out, "receipt_len_out") }.give(signed)
    })
}

/// Verifies a receipt of `receipt_len` bytes against the public key `public_key_pem` (SPKI PEM)
/// and the `image_len` image bytes it should name. `PASSBILD_STATUS_OK` when it is valid, then
/// `*verdict_out` (may be NULL) receives the verdict it states; otherwise the status says what does
/// not match: `..._RECEIPT_BAD_SIGNATURE` (changed after signing), `..._RECEIPT_IMAGE_MISMATCH`
/// (another or a changed photo), `..._RECEIPT_WRONG_KEY`, `..._RECEIPT_MALFORMED`,
/// `..._INVALID_KEY`.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_receipt_verify(
    receipt: *const u8,
    receipt_len: usize,
    image: *const u8,
    image_len: usize,
    public_key_pem: *const std::ffi::c_char,
    verdict_out: *mut passbild_check_status,
    error_out: *mut *mut passbild_error,
) -> passbild_status {
    guard(error_out, || {
        let receipt = bytes_argument(receipt, receipt_len, "receipt")?;
        let image = bytes_argument(image, image_len, "image")?;
        let key = string_argument(public_key_pem, "public_key_pem")?;
        let contents = receipt::verify(receipt, image, key).map_err(crate::Error::from)?;
        if !verdict_out.is_null() {
            write_out(verdict_out, "verdict_out", contents.verdict.into())?;
        }
        Ok(())
    })
}
