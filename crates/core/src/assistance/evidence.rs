//! 佐证材料 uploads: photos or PDF documents, size-limited, recognised by their content
//! (not by the name or the type the browser claims).

use crate::error::FieldError;

/// 5 MB: a phone photo fits; a video does not.
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

/// The kinds of file accepted, recognised by their first bytes.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// An upload that passed the checks: its real content type and a safe file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub file_name: String,
    pub content_type: &'static str,
}

/// Checks an upload in the field `file`; nothing is stored unless this passes.
pub fn check_upload(file_name: &str, bytes: &[u8]) -> Result<Upload, FieldError> {
    if bytes.is_empty() {
        return Err(FieldError::new("file", "文件是空的，请重新选择"));
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(FieldError::new(
            "file",
            format!(
                "文件太大（{:.1} MB），不能超过 {} MB，请压缩后再上传",
                bytes.len() as f64 / 1024.0 / 1024.0,
                MAX_UPLOAD_BYTES / 1024 / 1024
            ),
        ));
    }
    let Some(content_type) = sniff(bytes) else {
        return Err(FieldError::new("file", "只能上传照片（JPG、PNG、WebP）或 PDF 文件"));
    };
    Ok(Upload { file_name: safe_name(file_name, content_type), content_type })
}

/// The last path component, without control characters, at most 80 characters; never empty.
fn safe_name(raw: &str, content_type: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>')).take(80).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        let ext = content_type.rsplit('/').next().unwrap_or("bin");
        format!("佐证材料.{ext}")
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_is_accepted_and_its_name_cleaned() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];
        let up = check_upload("C:\\Users\\照片\\..\\牛棚.jpg", &jpeg).unwrap();
        assert_eq!(up, Upload { file_name: "牛棚.jpg".into(), content_type: "image/jpeg" });
        assert_eq!(check_upload("../../", b"%PDF-1.7").unwrap().file_name, "佐证材料.pdf");
    }

    #[test]
    fn a_text_file_named_like_a_photo_is_refused() {
        let err = check_upload("photo.jpg", b"<script>alert(1)</script>").unwrap_err();
        assert_eq!((err.field.as_str(), err.message.as_str()), ("file", "只能上传照片（JPG、PNG、WebP）或 PDF 文件"));
    }

    #[test]
    fn an_oversized_file_is_refused_with_its_size() {
        let mut big = vec![0u8; MAX_UPLOAD_BYTES + 1];
        big[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
        assert_eq!(
            check_upload("big.jpg", &big).unwrap_err().message,
            "文件太大（5.0 MB），不能超过 5 MB，请压缩后再上传"
        );
        assert_eq!(check_upload("empty.jpg", &[]).unwrap_err().message, "文件是空的，请重新选择");
    }
}
